import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { request } from 'undici';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { Kube } from '../kube/client.ts';
import { kindgateBin } from '../package-paths.ts';
import { createStateDir, listRecords, sha256, writeRecord } from '../run/detached-state.ts';
import { identityOf } from '../run/process-identity.ts';
import { alive } from '../child-process.test-helper.ts';
import { childrenOf, eventually, processesWith } from './lifecycle.test-helper.ts';
import { removeTempDirs, tempDir } from './temp-dirs.test-helper.ts';

/** `up --detach` and `down`, as a script uses them; each test has a cache dir (and so records) of its own. */

function cli(cache: string) {
  return (args: string[]) =>
    execa('node', [kindgateBin, ...args], {
      reject: false,
      env: { NO_COLOR: '1', XDG_CACHE_HOME: cache },
      timeout: 120_000,
    });
}

const newDir = tempDir;

/**
 * The test's own cache dir, so the detached records in it are the test's own. Whatever the test
 * left there when it ends (a failed assertion before its `down`) is stopped with `down --all`
 * against that cache dir only: the other tests, running at the same time, keep theirs (one list
 * of every test's cache dirs, emptied after each test, would stop them mid-test).
 */
function ownCache(ctx: TestContext): string {
  const cache = newDir('kg-detach-cache-');
  ctx.onTestFinished(async () => {
    if ((await listRecords(join(cache, 'kindgate')).catch(() => [])).length > 0) await cli(cache)(['down', '--all']);
  });
  return cache;
}

/** Stop, after the test, any process still running with `path` (unique to the test) in its command line. */
function killLeftWith(ctx: TestContext, path: string): void {
  ctx.onTestFinished(async () => {
    const left = processesWith(path);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone meanwhile
      }
    }
    await eventually(() => !left.some(alive), 15_000);
  });
}

const mode = (path: string) => statSync(path).mode & 0o777;

/** Whether something accepts TCP connections on the loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function envLines(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]),
  );
}

afterAll(removeTempDirs);

// Each test starts several kindgate processes: on a loaded CI machine 60 s is tight.
describe.concurrent('kindgate up --detach and kindgate down', { timeout: 180_000 }, () => {
  it('up --detach returns with the two lines, the environment serves, down leaves no process, port or kubeconfig', async (ctx) => {
    const cache = ownCache(ctx);
    const kindgate = cli(cache);
    const kubeconfig = join(newDir('kg-detach-'), 'kubeconfig');
    const up = await kindgate(['up', '--provider', 'sim', '--detach', '--kubeconfig', kubeconfig]);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout.trim().split('\n')).toEqual([
      `KUBECONFIG=${kubeconfig}`,
      expect.stringMatching(/^GATEWAY_URL=http:\/\/127\.\d+\.\d+\.\d+:\d+$/),
    ]);
    const { GATEWAY_URL } = envLines(up.stdout);

    // The record: owner-only, naming the log the output named.
    const [{ dir, record }] = await listRecords(join(cache, 'kindgate'));
    expect([mode(join(cache, 'kindgate', 'detached')), mode(dir), mode(join(dir, 'state.json'))]).toEqual([
      0o700, 0o700, 0o600,
    ]);
    expect(up.stderr).toContain(`its log: ${record.log}`);
    expect(mode(record.log!)).toBe(0o600);
    expect(record.ports).toHaveLength(2);

    // It serves after `up` returned: the API (as kubectl would use it) and the Gateway (as curl would).
    const gateways = await Kube.fromFile(kubeconfig).list('gateway.networking.k8s.io/v1', 'Gateway');
    expect(gateways.map((g) => g.metadata.name)).toEqual(['external-gateway']);
    const res = await request(`${GATEWAY_URL}/env`, { headers: { host: 'httpbin.example.com', 'x-version': 'v2' } });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ env: { HTTPBIN_ENV_VERSION: 'v2' } });
    expect(processesWith(kubeconfig)).toHaveLength(1);

    const down = await kindgate(['down', '--kubeconfig', kubeconfig]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toMatch(new RegExp(`✓ ${record.name} stopped \\(pid ${record.process!.pid}\\)`));
    expect(processesWith(kubeconfig)).toEqual([]);
    for (const port of record.ports) expect(await listening(port), `port ${port}`).toBe(false);
    expect(existsSync(kubeconfig)).toBe(false);
    expect(existsSync(dir)).toBe(false);

    const again = await kindgate(['down', '--kubeconfig', kubeconfig]);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/nothing to remove: no detached environment uses kubeconfig/);
  });

  it('down --name stops that environment only; down --all the rest', async (ctx) => {
    const cache = ownCache(ctx);
    const kindgate = cli(cache);
    const [a, b] = await Promise.all([
      kindgate(['up', '--provider', 'sim', '--detach', '--name', 'one']),
      kindgate(['up', '--provider', 'sim', '--detach', '--name', 'two']),
    ]);
    expect([a.exitCode, b.exitCode], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
    // Without --kubeconfig the kubeconfig lives in the record's directory.
    const aKubeconfig = envLines(a.stdout).KUBECONFIG;
    expect(aKubeconfig).toBe(join(cache, 'kindgate', 'detached', 'kindgate-one', 'kubeconfig'));
    expect(mode(aKubeconfig)).toBe(0o600);

    const taken = await kindgate(['up', '--provider', 'sim', '--detach', '--name', 'one']);
    expect(taken.exitCode).toBe(2);
    expect(taken.stderr).toMatch(/A detached environment named kindgate-one is already recorded/);

    const one = await kindgate(['down', '--name', 'one']);
    expect(one.exitCode, one.stderr).toBe(0);
    expect((await listRecords(join(cache, 'kindgate'))).map((r) => r.record.name)).toEqual(['kindgate-two']);
    const all = await kindgate(['down', '--all']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/✓ kindgate-two stopped/);
    expect(await listRecords(join(cache, 'kindgate'))).toEqual([]);
    expect((await kindgate(['down', '--all'])).stderr).toMatch(/nothing to remove/);
  });

  it('never signals a pid that is no longer the recorded process, and deletes only kubeconfigs kindgate wrote', async (ctx) => {
    const cache = ownCache(ctx);
    const kindgate = cli(cache);
    // A record whose pid now belongs to another process (same pid, other start time): a reused pid.
    const other = spawn('sleep', ['60']);
    const identity = (await identityOf(other.pid!))!;
    const theirs = join(newDir('kg-detach-theirs-'), 'config');
    writeFileSync(theirs, 'apiVersion: v1\nkind: Config\n');
    const dir = await createStateDir(join(cache, 'kindgate'), 'kindgate-reused');
    await writeRecord(dir, {
      version: 1,
      name: 'kindgate-reused',
      provider: 'sim',
      kubeconfig: theirs,
      kubeconfigCreated: false,
      kubeconfigSha256: sha256('what kindgate wrote there once'),
      ports: [],
      startedAt: new Date().toISOString(),
      process: { ...identity, startTime: '1' },
    });
    try {
      const down = await kindgate(['down', '--name', 'reused']);
      expect(down.exitCode, down.stderr).toBe(0);
      expect(down.stderr).toMatch(
        /kindgate-reused: its process \(pid \d+\) is no longer running; removing what it left/,
      );
      expect(alive(other.pid!)).toBe(true);
      expect(readFileSync(theirs, 'utf8')).toBe('apiVersion: v1\nkind: Config\n');
      expect(existsSync(dir)).toBe(false);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('a background process that died (kill -9) leaves a record down cleans up: its kubeconfig, its directory', async (ctx) => {
    const cache = ownCache(ctx);
    const kindgate = cli(cache);
    const up = await kindgate(['up', '--provider', 'sim', '--detach', '--name', 'crashed']);
    expect(up.exitCode, up.stderr).toBe(0);
    const [{ dir, record }] = await listRecords(join(cache, 'kindgate'));
    process.kill(record.process!.pid, 'SIGKILL');
    for (let i = 0; i < 100 && alive(record.process!.pid); i++) await new Promise((r) => setTimeout(r, 50));
    const kubeconfig = join(newDir('kg-detach-kc-'), 'kubeconfig');
    writeFileSync(kubeconfig, readFileSync(record.kubeconfig)); // a copy: not the recorded path
    const down = await kindgate(['down', '--name', 'crashed']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/is no longer running; removing what it left/);
    expect(existsSync(record.kubeconfig)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(kubeconfig)).toBe(true);
  });

  it('a detached sim that cannot start says why, exits as up would, and leaves no record', async (ctx) => {
    const cache = ownCache(ctx);
    const precious = join(newDir('kg-detach-precious-'), 'config');
    writeFileSync(precious, 'apiVersion: v1\nkind: Config\n');
    const up = await cli(cache)(['up', '--provider', 'sim', '--detach', '--kubeconfig', precious]);
    expect(up.exitCode).toBe(2);
    expect(up.stderr).toMatch(/--kubeconfig .* already exists and is not empty/);
    expect(up.stdout).toBe('');
    expect(readFileSync(precious, 'utf8')).toBe('apiVersion: v1\nkind: Config\n');
    expect(readdirSync(join(cache, 'kindgate', 'detached'))).toEqual([]);
  });

  it('Ctrl-C while up --detach waits tears the background process down: exit 130, nothing left', async (ctx) => {
    const cache = ownCache(ctx);
    const kubeconfig = join(newDir('kg-detach-'), 'kubeconfig');
    killLeftWith(ctx, kubeconfig);
    const up = execa('node', [kindgateBin, 'up', '--provider', 'sim', '--detach', '--kubeconfig', kubeconfig], {
      reject: false,
      env: { NO_COLOR: '1', XDG_CACHE_HOME: cache },
    });
    // Once the background process exists (the child `up --detach` starts), before it is ready.
    while ((await childrenOf(up.pid!)).length === 0 && up.exitCode === null)
      await new Promise((r) => setTimeout(r, 25));
    expect(processesWith(kubeconfig)).toHaveLength(2);
    up.kill('SIGINT');
    const done = await up;
    expect(done.exitCode).toBe(130);
    expect(done.stdout).toBe('');
    expect(processesWith(kubeconfig)).toEqual([]);
    expect(existsSync(kubeconfig)).toBe(false);
    expect(await listRecords(join(cache, 'kindgate'))).toEqual([]);
  });
});
