import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError, type CommandLine } from '../../exec.ts';
import { createMemoryLogger } from '../../log.ts';
import { istioProfile } from '../../profiles/istio.ts';
import type { KindProviderDeps } from './context.ts';
import { deleteLine, kindFakes, kindOptions, startError } from './fake-deps.test-helper.ts';
import { claimsDir } from './name-claim.ts';
import { createKindProvider } from './provider.ts';

/**
 * Two kind runs with one cluster name. Both could pass the `kind get clusters` check before
 * either created; the second `kind create cluster` then failed because the name exists, and
 * that run's teardown ran `kind delete cluster --name X`: it deleted the first run's cluster.
 * A run may delete only a cluster its own `kind create` made.
 */

/** What kind prints when nodes of that name exist (kind pkg/cluster/internal/create/create.go, alreadyExists). */
function alreadyExists(name: string): CommandError {
  const stderr = `ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"`;
  return new CommandError(
    'kind create cluster',
    1,
    stderr,
    'exit',
    `\`kind create cluster\` exited with code 1: ${stderr}`,
  );
}

/** Resolves once `count` callers wait, or after `ms` when fewer ever come. */
function barrier(count: number, ms = 200): () => Promise<void> {
  let waiting = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++waiting >= count) open();
    const timer = setTimeout(open, ms);
    return opened.finally(() => clearTimeout(timer));
  };
}

/**
 * One container engine for several runs: `kind get clusters` lists what exists (after `listed`:
 * the test can make runs list together), `kind create` adds its nodes at once (as kind provisions
 * them first), then waits for `gate`, and refuses a name that exists as kind does; `kind delete`
 * removes the nodes. Each run gets its own fakes.
 */
function sharedEngine(
  gate: (signal?: AbortSignal) => Promise<void> = async () => undefined,
  listed: () => Promise<void> = async () => undefined,
) {
  const clusters = new Set<string>();
  const created: string[] = [];
  const deleted: string[] = [];
  /** The claims on each deleted name when it was deleted. */
  const claimedAtDelete: string[][] = [];
  let creating!: () => void;
  const startedCreating = new Promise<void>((resolve) => (creating = resolve));
  const nameOf = (c: CommandLine) => c.args[c.args.indexOf('--name') + 1];
  const run = () => {
    const f = kindFakes();
    const inner = f.deps.run!;
    const deps: Partial<KindProviderDeps> = {
      ...f.deps,
      run: async (c, log, opts) => {
        const args = c.args.join(' ');
        if (args === 'get clusters') {
          await listed();
          return { stdout: [...clusters].join('\n'), stderr: '', exitCode: 0 };
        }
        if (args.startsWith('create cluster')) {
          const name = nameOf(c);
          if (clusters.has(name)) throw alreadyExists(name);
          clusters.add(name);
          created.push(name);
          creating();
          await gate(opts?.signal);
        }
        if (args.startsWith('delete cluster')) {
          const name = nameOf(c);
          clusters.delete(name);
          deleted.push(name);
          const cacheDir = c.args[c.args.indexOf('--kubeconfig') + 1].split('/clusters/')[0];
          claimedAtDelete.push(readdirSync(claimsDir(cacheDir)).filter((n) => n.startsWith(`${name}.`)));
        }
        return inner(c, log, opts);
      },
    };
    return { ...f, deps };
  };
  return { clusters, created, deleted, claimedAtDelete, startedCreating, run };
}

/**
 * A cache dir for runs that share it, with the verified istioctl archive in it already. Runs in
 * one process that download at the same time write the same partial file (named by pid), and the
 * fake network's MetalLB manifest is fetched by every run: such runs start one after the other.
 */
async function sharedCache(): Promise<string> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kg-name-'));
  const warm = createKindProvider(
    kindOptions({ cacheDir, clusterName: 'kindgate-warm' }),
    istioProfile,
    kindFakes().deps,
  );
  await warm.start(createMemoryLogger());
  await warm.stop(createMemoryLogger());
  return cacheDir;
}

describe('a kind run deletes only the cluster its own kind create made', () => {
  it('a create that kind refuses because the name exists deletes nothing (the cluster is the other creator’s)', async () => {
    const o = kindOptions();
    const f = kindFakes({ create: alreadyExists('kindgate-t1') });
    const error = await startError(o, f.deps);
    expect(error.message).toMatch(/node\(s\) already exist for a cluster with the name "kindgate-t1"/);
    expect(f.commands.some((c) => c.includes('delete cluster'))).toBe(false);
  });

  it('a run started while another creates its cluster is refused at once (exit 2) and creates and deletes nothing', async () => {
    const cacheDir = await sharedCache();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const engine = sharedEngine(() => released);
    const first = createKindProvider(kindOptions({ cacheDir }), istioProfile, engine.run().deps);
    const starting = first.start(createMemoryLogger());
    await engine.startedCreating;

    const second = engine.run();
    const error = await startError(kindOptions({ cacheDir }), second.deps);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(
      /^The kind cluster name kindgate-t1 is in use by another kindgate run \(pid \d+, which creates the cluster and deletes it when it ends\); wait for that run to end, or pick another --name\.$/,
    );
    expect(second.commands.some((c) => c.includes('create cluster') || c.includes('delete cluster'))).toBe(false);

    release();
    await starting;
    expect(engine.clusters).toEqual(new Set(['kindgate-t1']));
    await first.stop(createMemoryLogger());
    expect(engine.deleted).toEqual(['kindgate-t1']);
  });

  it('of two runs starting together with one name, at most one creates, and no run deletes a cluster it did not create', async () => {
    for (let round = 0; round < 5; round++) {
      const cacheDir = await sharedCache();
      // Both runs list the clusters before either creates, when both get that far.
      const engine = sharedEngine(undefined, barrier(2));
      const runs = [0, 1].map(() => {
        const fakes = engine.run();
        return { fakes, provider: createKindProvider(kindOptions({ cacheDir }), istioProfile, fakes.deps) };
      });
      const outcomes = await Promise.allSettled(runs.map((r) => r.provider.start(createMemoryLogger())));
      expect(engine.deleted, `round ${round}`).toEqual([]);
      expect(engine.created.length, `round ${round}`).toBeLessThanOrEqual(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect((outcome.reason as { exitCode: number }).exitCode).toBe(2);
      }
      expect(engine.clusters, `round ${round}`).toEqual(new Set(engine.created));
      for (const r of runs) await r.provider.stop(createMemoryLogger());
      expect(engine.deleted).toEqual(engine.created);
    }
  });

  it('holds the name until its cluster is deleted, then releases it', async () => {
    const cacheDir = await sharedCache();
    const engine = sharedEngine();
    const provider = createKindProvider(kindOptions({ cacheDir }), istioProfile, engine.run().deps);
    await provider.start(createMemoryLogger());
    expect(readdirSync(claimsDir(cacheDir)).filter((n) => n.startsWith('kindgate-t1.'))).toHaveLength(1);
    await provider.stop(createMemoryLogger());
    expect(engine.deleted).toEqual(['kindgate-t1']);
    expect(engine.claimedAtDelete[0]).toHaveLength(1);
    expect(readdirSync(claimsDir(cacheDir))).toEqual([]);
  });

  it('a run stopped while kind creates its cluster deletes it: a killed kind cannot remove its nodes itself', async () => {
    const o = kindOptions();
    const engine = sharedEngine(
      (signal) =>
        new Promise<void>((_, reject) =>
          signal?.addEventListener('abort', () =>
            reject(
              new CommandError('kind create cluster', undefined, '', 'canceled', 'was stopped before it finished'),
            ),
          ),
        ),
    );
    const fakes = engine.run();
    const provider = createKindProvider(o, istioProfile, { ...fakes.deps, cancelGraceMs: 1_000 });
    const starting = provider.start(createMemoryLogger()).catch((e: Error) => e);
    await engine.startedCreating;
    await provider.stop(createMemoryLogger());
    expect((await starting) as Error).toBeInstanceOf(CommandError);
    expect(fakes.commands).toContain(deleteLine(o));
    expect(engine.clusters).toEqual(new Set());
  });

  it('--reuse: runs against a kept cluster share its name; none while a run that creates the cluster holds it', async () => {
    const cacheDir = await sharedCache();
    const engine = sharedEngine();
    const keeper = createKindProvider(kindOptions({ cacheDir, keep: true }), istioProfile, engine.run().deps);
    await keeper.start(createMemoryLogger());

    const reuse = () => kindOptions({ cacheDir, reuse: true });
    const refused = await startError(reuse(), engine.run().deps);
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toMatch(
      /^The kind cluster name kindgate-t1 is in use by another kindgate run \(pid \d+, which creates/,
    );
    await keeper.stop(createMemoryLogger());
    expect(engine.clusters).toEqual(new Set(['kindgate-t1']));

    const readers = [0, 1].map(() => createKindProvider(reuse(), istioProfile, engine.run().deps));
    // One after the other (see sharedCache), the first holding its claim while the second starts.
    for (const r of readers) await r.start(createMemoryLogger());
    const creator = await startError(kindOptions({ cacheDir }), engine.run().deps);
    expect(creator.exitCode).toBe(2);
    expect(creator.message).toMatch(
      /^The kind cluster name kindgate-t1 is in use by another kindgate run \(pid \d+, with --reuse\)/,
    );
    for (const r of readers) await r.stop(createMemoryLogger());
    expect(engine.deleted).toEqual([]);
    expect(readdirSync(claimsDir(cacheDir))).toEqual([]);
  });
});
