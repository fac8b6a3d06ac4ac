import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { builtinFixturesDir } from '../fixtures/render.ts';
import { packageRoot } from '../run/suites.ts';

/** The real CLI, as a user runs it: a child process of `bin/kindgate.js`. */
const bin = join(packageRoot, 'bin', 'kindgate.js');
const kindgate = (args: string[], env: Record<string, string> = {}) =>
  execa('node', [bin, ...args], { reject: false, cwd: mkdtempSync(join(tmpdir(), 'kg-cwd-')), env: { NO_COLOR: '1', ...env }, timeout: 120_000 });

/** A copy of the built-in fixtures whose v2 rule points at a Service that does not exist. */
function brokenFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kg-broken-'));
  cpSync(builtinFixturesDir, dir, { recursive: true });
  const route = join(dir, '30-httproute.yaml');
  writeFileSync(route, readFileSync(route, 'utf8').replace('name: httpbin-v2', 'name: httpbin-v3'));
  return dir;
}

describe('kindgate CLI against the sim', () => {
  it('test --provider sim passes every suite, with a line per step and per test, and exits 0', async () => {
    const run = await kindgate(['test', '--provider', 'sim']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/✓ fixtures applied \(\d+ objects\) \(\d+\.\d s\)/);
    expect(run.stderr).toMatch(/✓ backends available/);
    expect(run.stderr).toMatch(/✓ header-routing › x-version: v2 routes \/env to v2/);
    expect(run.stderr).toMatch(/✓ teardown done/);
    expect(run.stderr).not.toMatch(/✗/);
  });

  it('a route to a missing backend fails the suites, naming the HTTPRoute, the condition and its reason', async () => {
    const run = await kindgate(['test', '--provider', 'sim', '--fixtures', brokenFixtures(), '--route-timeout', '3', '--consistency-window', '3']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/HTTPRoute kindgate-[0-9a-f]+\/httpbin-route: .*ResolvedRefs=False \(BackendNotFound/);
    expect(run.stderr).toMatch(/✓ teardown done/);
  });

  it('up serves the fixtures until interrupted: kubeconfig and gateway URL on stdout, v2 by header', async () => {
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kg-up-')), 'kubeconfig');
    const child = execa('node', [bin, 'up', '--provider', 'sim', '--kubeconfig', kubeconfig], { reject: false, env: { NO_COLOR: '1' } });
    const lines: Record<string, string> = {};
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) {
          const [key, ...value] = line.split('=');
          if (key) lines[key] = value.join('=');
        }
        if (lines.GATEWAY_URL) resolve();
      });
      child.catch(reject);
      setTimeout(() => reject(new Error('kindgate up printed no GATEWAY_URL within 60 s')), 60_000);
    });
    expect(lines.KUBECONFIG).toBe(kubeconfig);
    expect(existsSync(kubeconfig)).toBe(true);
    const res = await request(`${lines.GATEWAY_URL}/env`, { headers: { host: 'httpbin.example.com', 'x-version': 'v2' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers.server).toBe('istio-envoy');
    expect(await res.body.json()).toEqual({ env: { HTTPBIN_ENV_VERSION: 'v2' } });

    child.kill('SIGINT');
    const done = await child;
    expect(done.exitCode).toBe(130);
    expect(done.stderr).toMatch(/✓ teardown done/);
    expect(existsSync(kubeconfig)).toBe(false);
  });

  it.each([
    [['test', '--provider', 'sim', '--bogus'], /Unknown option '--bogus'/],
    [['test', '--provider', 'sim', '--fixtures', '/nonexistent-dir'], /Fixture directory \/nonexistent-dir does not exist/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('usage errors exit 2 with one sentence and no stack: %j', async (args, message) => {
    const run = await kindgate(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help describes every command', async () => {
    for (const command of ['test', 'up']) {
      const run = await kindgate([command, '--help']);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`Usage: kindgate ${command}`));
      expect(run.stdout).toMatch(/--fixtures DIR/);
    }
    expect((await kindgate(['--help'])).stdout).toMatch(/Exit codes: 0 all passed/);
  });
});
