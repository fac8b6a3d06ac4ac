import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { identityOf } from '../../run/process-identity.ts';
import { claimClusterName, claimsDir, type ClaimEntry, type ClaimMode } from './name-claim.ts';

const cache = () => mkdtempSync(join(tmpdir(), 'kg-claims-'));

/** The error a claim is refused with (a claim that succeeds fails the test). */
async function refusal(cacheDir: string, mode: ClaimMode): Promise<Error & { exitCode?: number }> {
  return claimClusterName(cacheDir, 'kindgate-dev', mode).then(
    () => {
      throw new Error(`the ${mode} claim was granted; the test expects it refused`);
    },
    (error: Error & { exitCode?: number }) => error,
  );
}

/** An entry as another run would have written it. */
function plantEntry(cacheDir: string, id: string, entry: Partial<ClaimEntry>): string {
  mkdirSync(claimsDir(cacheDir), { recursive: true, mode: 0o700 });
  const cluster = entry.cluster ?? 'kindgate-dev';
  const path = join(claimsDir(cacheDir), `${cluster}.${id}.json`);
  writeFileSync(path, JSON.stringify({ version: 1, cluster, mode: 'create', ...entry }), { mode: 0o600 });
  return path;
}

describe('the claim on a kind cluster name', () => {
  it('is an owner-only entry naming this process as kindgate down identifies one, removed on release', async () => {
    const cacheDir = cache();
    const claim = await claimClusterName(cacheDir, 'kindgate-dev', 'create');
    expect(claim.path).toMatch(new RegExp(`^${claimsDir(cacheDir)}/kindgate-dev\\.[0-9a-f]{16}\\.json$`));
    expect(statSync(claimsDir(cacheDir)).mode & 0o777).toBe(0o700);
    expect(statSync(claim.path).mode & 0o777).toBe(0o600);
    const entry = JSON.parse(readFileSync(claim.path, 'utf8')) as ClaimEntry;
    expect(entry).toMatchObject({ version: 1, cluster: 'kindgate-dev', mode: 'create' });
    expect(entry.process).toEqual(await identityOf(process.pid));
    await claim.release();
    await claim.release();
    expect(readdirSync(claimsDir(cacheDir))).toEqual([]);
  });

  it('creating holds the name alone; --reuse runs share it with each other, never with a creator (exit 2, one sentence)', async () => {
    const cacheDir = cache();
    const creator = await claimClusterName(cacheDir, 'kindgate-dev', 'create');
    for (const mode of ['create', 'reuse'] as const) {
      const error = await refusal(cacheDir, mode);
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(
        `The kind cluster name kindgate-dev is in use by another kindgate run (pid ${process.pid}, which creates the cluster ` +
          'and deletes it when it ends); wait for that run to end, or pick another --name.',
      );
    }
    // Another name is another claim.
    await (await claimClusterName(cacheDir, 'kindgate-other', 'create')).release();
    await creator.release();

    const readers = [
      await claimClusterName(cacheDir, 'kindgate-dev', 'reuse'),
      await claimClusterName(cacheDir, 'kindgate-dev', 'reuse'),
    ];
    expect((await refusal(cacheDir, 'create')).message).toBe(
      `The kind cluster name kindgate-dev is in use by another kindgate run (pid ${process.pid}, with --reuse); ` +
        'wait for that run to end, or pick another --name.',
    );
    for (const reader of readers) await reader.release();
    // Refused claims left no entry behind.
    expect(readdirSync(claimsDir(cacheDir))).toEqual([]);
  });

  it('a claim whose process is gone (another start time: the pid was reused) or that cannot be read is taken over and removed', async () => {
    const cacheDir = cache();
    const me = (await identityOf(process.pid))!;
    const gone = plantEntry(cacheDir, 'aa', { process: { ...me, startTime: `${me.startTime}0` } });
    const garbled = join(claimsDir(cacheDir), 'kindgate-dev.bb.json');
    writeFileSync(garbled, '{"version": 1, "clus', { mode: 0o600 });
    const other = plantEntry(cacheDir, 'cc', { cluster: 'kindgate-other', process: me });
    const claim = await claimClusterName(cacheDir, 'kindgate-dev', 'create');
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(garbled)).toBe(false);
    expect(existsSync(other)).toBe(true);
    await claim.release();
  });

  it('without a start time on record, the pid alone says whether the claim lives', async () => {
    const cacheDir = cache();
    const child = execFile('true');
    await new Promise((resolve) => child.once('exit', resolve));
    const dead = plantEntry(cacheDir, 'dd', { process: { pid: child.pid!, startTime: '', command: '' } });
    await (await claimClusterName(cacheDir, 'kindgate-dev', 'create')).release();
    expect(existsSync(dead)).toBe(false);
    plantEntry(cacheDir, 'ee', { process: { pid: process.pid, startTime: '', command: '' } });
    expect((await refusal(cacheDir, 'create')).exitCode).toBe(2);
  });

  it('of two claims made at once, never both are granted', async () => {
    for (let round = 0; round < 20; round++) {
      const cacheDir = cache();
      const modes: ClaimMode[] = round % 2 ? ['create', 'create'] : ['create', 'reuse'];
      const outcomes = await Promise.allSettled(modes.map((mode) => claimClusterName(cacheDir, 'kindgate-dev', mode)));
      const granted = outcomes.filter((o) => o.status === 'fulfilled');
      expect(granted.length, `round ${round}`).toBeLessThanOrEqual(1);
      for (const o of outcomes)
        if (o.status === 'rejected') expect((o.reason as { exitCode: number }).exitCode).toBe(2);
      for (const o of granted) await (o as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
    }
  });

  it('a process that exits holding a claim (up --detach, an error) leaves no entry behind', async () => {
    const cacheDir = cache();
    const module = fileURLToPath(new URL('./name-claim.ts', import.meta.url));
    const script = `import { claimClusterName } from ${JSON.stringify(module)};
      const claim = await claimClusterName(${JSON.stringify(cacheDir)}, 'kindgate-dev', 'create');
      console.log(claim.path);`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(stdout.trim()).toMatch(/kindgate-dev\.[0-9a-f]+\.json$/);
    expect(readdirSync(claimsDir(cacheDir))).toEqual([]);
  });
});
