import { describe, expect, it } from 'vitest';
import type { CommandLine, CommandResult } from '../exec.ts';
import { createMemoryLogger } from '../log.ts';
import { collectLeftoverRunners, parseRunnerList } from './leftover-runners.ts';

/** An engine and kind that answer from `outputs` (first key the command line contains), recording every call. */
function fakeRun(outputs: Record<string, string>) {
  const calls: string[] = [];
  const run = async (command: CommandLine): Promise<CommandResult> => {
    const line = [command.file, ...command.args].join(' ');
    calls.push(line);
    const key = Object.keys(outputs).find((k) => line.includes(k));
    return { stdout: key ? outputs[key] : '', stderr: '', exitCode: 0 };
  };
  return { run, calls };
}

const deps = { engine: 'docker', kind: '/cache/kind' };
const RUNNERS = [
  'c0ffee\tkindgate-conformance-aaaaaa\tkindgate-gone',
  'beef01\tkindgate-conformance-bbbbbb\tkindgate-deleted-now',
  'f00d02\tkindgate-conformance-cccccc\tkindgate-live',
  'abba03\tkindgate-conformance-dddddd\texisting',
].join('\n');

describe('gc: leftover conformance runner containers', () => {
  it('removes the runners of clusters that no longer exist (or that this gc deletes), keeps the others', async () => {
    const fake = fakeRun({ 'ps -a': `${RUNNERS}\n`, 'get clusters': 'kindgate-live\nkindgate-deleted-now\nkind\n' });
    const log = createMemoryLogger();
    const removed = await collectLeftoverRunners({ ...deps, run: fake.run }, ['kindgate-deleted-now'], false, log);
    expect(removed.map((r) => r.cluster)).toEqual(['kindgate-gone', 'kindgate-deleted-now', 'existing']);
    expect(fake.calls).toEqual([
      'docker ps -a --filter label=kindgate.conformance-runner --format {{.ID}}\t{{.Names}}\t{{.Label "kindgate.conformance-runner"}}',
      '/cache/kind get clusters',
      'docker rm -f c0ffee beef01 abba03',
    ]);
    expect(log.lines).toContain('✓ removed 3 conformance runner container(s)');
  });

  it('--dry-run lists them by name and cluster, and removes nothing', async () => {
    const fake = fakeRun({ 'ps -a': RUNNERS, 'get clusters': 'kindgate-live\n' });
    const log = createMemoryLogger();
    const listed = await collectLeftoverRunners({ ...deps, run: fake.run }, [], true, log);
    expect(listed).toHaveLength(3);
    expect(fake.calls.some((c) => c.includes(' rm '))).toBe(false);
    expect(log.lines).toEqual([
      '  would remove conformance runner container kindgate-conformance-aaaaaa (cluster kindgate-gone)',
      '  would remove conformance runner container kindgate-conformance-bbbbbb (cluster kindgate-deleted-now)',
      '  would remove conformance runner container kindgate-conformance-dddddd (cluster existing)',
    ]);
  });

  it('no runner containers: kind is not even asked, nothing removed', async () => {
    const fake = fakeRun({ 'ps -a': '' });
    expect(
      await collectLeftoverRunners({ ...deps, run: fake.run }, ['kindgate-x'], false, createMemoryLogger()),
    ).toEqual([]);
    expect(fake.calls).toHaveLength(1);
  });

  it('parses the engine’s listing (a runner without a name keeps its id)', () => {
    expect(parseRunnerList('c0ffee\t\tkindgate-a\n\n')).toEqual([{ id: 'c0ffee', name: '', cluster: 'kindgate-a' }]);
  });
});
