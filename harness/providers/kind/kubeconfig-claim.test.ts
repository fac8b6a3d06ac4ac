import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunOptions } from '../../config/options.ts';
import type { CommandLine } from '../../exec.ts';
import { createMemoryLogger } from '../../log.ts';
import { istioProfile } from '../../profiles/istio.ts';
import type { KindProviderDeps } from './context.ts';
import { kindFakes, kindOptions } from './fake-deps.test-helper.ts';
import { createKindProvider } from './provider.ts';

/**
 * Two kind runs given one --kubeconfig: kind merges each cluster into the file it is given and
 * makes it the current context, so the second would point the first run at its cluster. A
 * --kubeconfig the user gave is claimed as `up --kubeconfig` claims it for the sim
 * (kubeconfig-file.ts): exclusively, under <path>.lock, holding content from then on.
 */

/** What `kind create cluster --kubeconfig P` leaves in P: the cluster merged in as the current context. */
const kindWritten = (cluster: string) => `apiVersion: v1\nkind: Config\ncurrent-context: kind-${cluster}\n`;

/** The fakes, with a `kind create cluster` that waits for `release` and then writes its kubeconfig as kind does. */
function creatingRun(release: Promise<void> = Promise.resolve()) {
  const f = kindFakes();
  const run = f.deps.run!;
  const created: string[] = [];
  let creating!: () => void;
  const startedCreating = new Promise<void>((resolve) => (creating = resolve));
  const deps: Partial<KindProviderDeps> = {
    ...f.deps,
    run: async (c: CommandLine, log, opts) => {
      const args = c.args.join(' ');
      if (args.startsWith('create cluster')) {
        const name = c.args[c.args.indexOf('--name') + 1];
        created.push(name);
        creating();
        await release;
        writeFileSync(c.args[c.args.indexOf('--kubeconfig') + 1], kindWritten(name));
      }
      return run(c, log, opts);
    },
  };
  return { ...f, deps, created, startedCreating };
}

function sharedPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'kg-claim-')), 'kubeconfig');
}

const runOptions = (clusterName: string, kubeconfig: string): RunOptions => kindOptions({ clusterName, kubeconfig });

describe('kind --kubeconfig is claimed exclusively', () => {
  it('a second run given the path while the first creates its cluster is refused (exit 2) before it creates anything', async () => {
    const path = sharedPath();
    let release!: () => void;
    const first = creatingRun(new Promise<void>((resolve) => (release = resolve)));
    const one = createKindProvider(runOptions('kindgate-one', path), istioProfile, first.deps);
    const starting = one.start(createMemoryLogger());
    await first.startedCreating;

    const second = creatingRun();
    const two = createKindProvider(runOptions('kindgate-two', path), istioProfile, second.deps);
    const error = await two.start(createMemoryLogger()).then(
      () => undefined,
      (e: Error & { exitCode?: number }) => e,
    );
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(
      new RegExp(`^--kubeconfig ${path} (already exists and is not empty|is being written)`),
    );
    expect(second.created).toEqual([]);
    await two.stop(createMemoryLogger());

    release();
    await starting;
    expect(readFileSync(path, 'utf8')).toBe(kindWritten('kindgate-one'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await one.stop(createMemoryLogger());
  });

  it('of two runs starting together with one path, exactly one creates its cluster; the other is refused (exit 2)', async () => {
    for (let round = 0; round < 5; round++) {
      const path = sharedPath();
      const runs = ['kindgate-a', 'kindgate-b'].map((name) => {
        const fakes = creatingRun();
        return { fakes, provider: createKindProvider(runOptions(name, path), istioProfile, fakes.deps) };
      });
      const outcomes = await Promise.allSettled(runs.map((r) => r.provider.start(createMemoryLogger())));
      const refused = outcomes.filter((o) => o.status === 'rejected');
      expect(refused, `round ${round}`).toHaveLength(1);
      expect(((refused[0] as PromiseRejectedResult).reason as { exitCode: number }).exitCode).toBe(2);
      const created = runs.flatMap((r) => r.fakes.created);
      expect(created).toHaveLength(1);
      expect(readFileSync(path, 'utf8')).toBe(kindWritten(created[0]));
      for (const r of runs) await r.provider.stop(createMemoryLogger());
    }
  });

  it('a run that fails before kind wrote the file leaves nothing at a new path, and an empty given file empty again', async () => {
    for (const given of ['new', 'empty'] as const) {
      const path = sharedPath();
      if (given === 'empty') writeFileSync(path, '', { mode: 0o600 });
      const f = kindFakes({ create: new Error('ERROR: failed to create cluster: node image not found') });
      const error = await createKindProvider(runOptions('kindgate-t1', path), istioProfile, f.deps)
        .start(createMemoryLogger())
        .then(
          () => undefined,
          (e: Error & { exitCode?: number }) => e,
        );
      expect(error?.exitCode).toBe(4);
      if (given === 'new') expect(existsSync(path)).toBe(false);
      else expect(readFileSync(path, 'utf8')).toBe('');
      expect(existsSync(`${path}.lock`)).toBe(false);
    }
  });
});
