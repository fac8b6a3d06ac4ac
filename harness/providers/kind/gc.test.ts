import { describe, expect, it } from 'vitest';
import type { CommandLine, CommandResult } from '../../exec.ts';
import { createMemoryLogger } from '../../log.ts';
import { collectGarbage } from './gc.ts';

function fakeRun(outputs: Record<string, string>) {
  const calls: string[] = [];
  const run = async (command: CommandLine): Promise<CommandResult> => {
    const line = [command.file, ...command.args].join(' ');
    calls.push(line);
    const key = Object.keys(outputs).find((k) => line.includes(k));
    return { stdout: key ? outputs[key] : '', stderr: '', exitCode: 0 } as CommandResult;
  };
  return { run, calls };
}

const deps = { kind: '/cache/kind', engine: 'docker' as const, cacheDir: '/cache' };

describe('gc', () => {
  it('deletes only kindgate-* clusters and labelled relay containers', async () => {
    const fake = fakeRun({ 'get clusters': 'kind\nkindgate-a1b2c3\nprod\nkindgate-dev\n', 'ps -aq': 'c0ffee\nbeef\n' });
    const report = await collectGarbage({ ...deps, run: fake.run }, false, createMemoryLogger());
    expect(report).toEqual({ clusters: ['kindgate-a1b2c3', 'kindgate-dev'], relays: 2 });
    expect(fake.calls).toContain('docker ps -aq --filter label=kindgate.relay');
    expect(fake.calls).toContain('docker rm -f c0ffee beef');
    expect(fake.calls).toContain(
      '/cache/kind delete cluster --name kindgate-a1b2c3 --kubeconfig /cache/clusters/kindgate-a1b2c3.kubeconfig',
    );
    expect(fake.calls.some((c) => c.includes('--name prod') || c.includes('--name kind '))).toBe(false);
  });

  it('only lists with --dry-run', async () => {
    const fake = fakeRun({ 'get clusters': 'kindgate-x\n' });
    const log = createMemoryLogger();
    await collectGarbage({ ...deps, run: fake.run }, true, log);
    expect(fake.calls.every((c) => !c.includes('delete') && !c.includes(' rm '))).toBe(true);
    expect(log.lines).toContain('  would delete kind cluster kindgate-x');
  });
});
