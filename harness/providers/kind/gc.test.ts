import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandLine, CommandResult } from '../../exec.ts';
import { createMemoryLogger } from '../../log.ts';
import { identityOf } from '../../run/process-identity.ts';
import { collectGarbage } from './gc.ts';
import { claimClusterName, claimsDir } from './name-claim.ts';

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

const neverFetch = async (): Promise<string> => {
  throw new Error('kind must not be fetched');
};
// The cache holds the runs' claims on cluster names; these tests' runs claim none.
const cacheDir = mkdtempSync(join(tmpdir(), 'kg-gc-'));
const deps = { kind: '/cache/kind', fetchKind: neverFetch, engine: 'docker' as const, cacheDir };

describe('gc', () => {
  it('deletes only kindgate-* clusters and labelled relay containers', async () => {
    const fake = fakeRun({ 'get clusters': 'kind\nkindgate-a1b2c3\nprod\nkindgate-dev\n', 'ps -aq': 'c0ffee\nbeef\n' });
    const report = await collectGarbage({ ...deps, run: fake.run }, false, createMemoryLogger());
    expect(report).toEqual({ clusters: ['kindgate-a1b2c3', 'kindgate-dev'], relays: 2 });
    expect(fake.calls).toContain('docker ps -aq --filter label=kindgate.relay');
    expect(fake.calls).toContain('docker rm -f c0ffee beef');
    expect(fake.calls).toContain(
      `/cache/kind delete cluster --name kindgate-a1b2c3 --kubeconfig ${cacheDir}/clusters/kindgate-a1b2c3.kubeconfig`,
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

  it('without kind at hand, lists through the engine (the label kind puts on its nodes) and fetches kind only to delete (issue 9, defect 10)', async () => {
    const labelled = 'kindgate-a1b2c3\nkindgate-a1b2c3\nprod\n';
    const fake = fakeRun({ 'label=io.x-k8s.kind.cluster': labelled });
    const log = createMemoryLogger();
    const dry = await collectGarbage({ ...deps, kind: undefined, run: fake.run }, true, log);
    expect(dry).toEqual({ clusters: ['kindgate-a1b2c3'], relays: 0 });
    expect(fake.calls).toContain(
      'docker ps -a --filter label=io.x-k8s.kind.cluster --format {{.Label "io.x-k8s.kind.cluster"}}',
    );
    expect(log.lines).toContain('  would delete kind cluster kindgate-a1b2c3');

    let fetched = 0;
    const fetchKind = async () => {
      fetched++;
      return '/downloaded/kind';
    };
    const real = fakeRun({ 'label=io.x-k8s.kind.cluster': labelled });
    await collectGarbage({ ...deps, kind: undefined, fetchKind, run: real.run }, false, createMemoryLogger());
    expect(fetched).toBe(1);
    expect(real.calls).toContain(
      `/downloaded/kind delete cluster --name kindgate-a1b2c3 --kubeconfig ${cacheDir}/clusters/kindgate-a1b2c3.kubeconfig`,
    );

    const nothing = fakeRun({ 'label=io.x-k8s.kind.cluster': 'prod\n' });
    await collectGarbage({ ...deps, kind: undefined, run: nothing.run }, false, createMemoryLogger());
    expect(nothing.calls.some((c) => c.includes('kind '))).toBe(false);
  });

  it('podman names the label its own way', async () => {
    const fake = fakeRun({});
    await collectGarbage({ ...deps, engine: 'podman', kind: undefined, run: fake.run }, true, createMemoryLogger());
    expect(fake.calls).toContain(
      'podman ps -a --filter label=io.x-k8s.kind.cluster --format {{index .Labels "io.x-k8s.kind.cluster"}}',
    );
  });

  it('leaves alone a cluster a live kindgate run has claimed, and that run’s relays; a claim of a gone process protects nothing', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-gc-'));
    const live = await claimClusterName(cache, 'kindgate-busy', 'create');
    const me = (await identityOf(process.pid))!;
    const gone = join(claimsDir(cache), 'kindgate-dead.0a.json');
    const deadClaim = {
      version: 1,
      cluster: 'kindgate-dead',
      mode: 'create',
      process: { ...me, startTime: `${me.startTime}0` },
    };
    writeFileSync(gone, JSON.stringify(deadClaim), { mode: 0o600 });
    const outputs = {
      'get clusters': 'kindgate-busy\nkindgate-dead\n',
      'label=kindgate.relay=kindgate-busy': 'beef\n',
      'label=kindgate.relay': 'c0ffee\nbeef\n',
    };
    for (const dryRun of [true, false]) {
      const fake = fakeRun(outputs);
      const log = createMemoryLogger();
      const report = await collectGarbage({ ...deps, cacheDir: cache, run: fake.run }, dryRun, log);
      expect(report).toEqual({ clusters: ['kindgate-dead'], relays: 1 });
      expect(log.lines).toContain(
        `  kind cluster kindgate-busy is in use by a kindgate run (pid ${process.pid}); left alone`,
      );
      expect(fake.calls.some((c) => c.includes('--name kindgate-busy'))).toBe(false);
      expect(fake.calls.some((c) => c.includes(' rm ') && c.includes('beef'))).toBe(false);
      // --dry-run writes nothing, not even the removal of a stale claim.
      expect(existsSync(gone)).toBe(dryRun);
    }
    expect(readdirSync(claimsDir(cache))).toEqual([live.path.split('/').pop()]);
    await live.release();
  });
});
