import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError, ExitCode } from '../errors.ts';
import { CommandError, type RunCommand } from '../exec.ts';
import { createMemoryLogger } from '../log.ts';
import { pins } from '../pins.ts';
import type { Downloader } from '../providers/kind/tools/download.ts';
import { atLeast, checkGo, parseGoVersion } from './go-toolchain.ts';
import type { HostGoProxy } from './go-proxy.ts';
import { moduleSourceDir, planWorkspace, prepareWorkspace, runnerGoProxy } from './workspace.ts';

const moduleFile = (name: string) => readFileSync(join(moduleSourceDir, name), 'utf8');

describe('the pinned upstream suite', () => {
  it('is the CRDs’ version: never a mismatch between the suite and the cluster', () => {
    for (const m of pins.conformance.modules) expect(m.version).toBe(pins.gatewayApi.version);
    expect(moduleFile('go.mod')).toContain(`sigs.k8s.io/gateway-api/conformance ${pins.gatewayApi.version}\n`);
    expect(moduleFile('go.mod')).toContain(`sigs.k8s.io/gateway-api ${pins.gatewayApi.version} // indirect`);
  });

  it('go.sum holds the h1 hashes pinned beside the archives (Go verifies every module against go.sum)', () => {
    const sum = moduleFile('go.sum');
    for (const m of pins.conformance.modules) {
      expect(sum).toContain(`${m.path} ${m.version} ${m.h1}\n`);
      expect(sum).toContain(`${m.path} ${m.version}/go.mod ${m.goModH1}\n`);
    }
    // The module's test only calls the public entry point; it copies nothing from upstream.
    expect(moduleFile('conformance_test.go')).toContain('conformance.RunConformance(t)');
  });

  const mirror: HostGoProxy = {
    list: 'https://goproxy.example.test/,direct',
    from: 'GOPROXY',
    base: 'https://goproxy.example.test',
  };

  it('plans the archives in the Go module proxy layout, downloaded by this machine from its own proxy', () => {
    const plan = planWorkspace('/c', mirror);
    expect(plan.archives.map((a) => [a.proxyPath, a.cachePath])).toEqual([
      [
        'sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.zip',
        '/c/conformance/gateway-api-v1.6.1/goproxy/sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.zip',
      ],
      [
        'sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.mod',
        '/c/conformance/gateway-api-v1.6.1/goproxy/sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.mod',
      ],
      [
        'sigs.k8s.io/gateway-api/@v/v1.6.1.zip',
        '/c/conformance/gateway-api-v1.6.1/goproxy/sigs.k8s.io/gateway-api/@v/v1.6.1.zip',
      ],
      [
        'sigs.k8s.io/gateway-api/@v/v1.6.1.mod',
        '/c/conformance/gateway-api-v1.6.1/goproxy/sigs.k8s.io/gateway-api/@v/v1.6.1.mod',
      ],
    ]);
    expect(plan.archives.every((a) => /^[0-9a-f]{64}$/.test(a.sha256))).toBe(true);
    expect(plan.sources).toEqual({ kind: 'host', proxy: mirror });
    // The runner's Go: the verified archives first, then this machine's own list, unchanged.
    expect(runnerGoProxy(plan)).toBe(
      'file:///c/conformance/gateway-api-v1.6.1/goproxy,https://goproxy.example.test/,direct',
    );
    expect(runnerGoProxy(plan, '/kindgate/workspace/goproxy')).toBe(
      'file:///kindgate/workspace/goproxy,https://goproxy.example.test/,direct',
    );
  });

  it('without a proxy to download from, the runner’s Go fetches the modules (its GOPROXY, or its defaults)', () => {
    const unknown = planWorkspace('/c', undefined);
    expect(unknown.sources).toEqual({ kind: 'runner', proxy: undefined });
    expect(runnerGoProxy(unknown)).toBeUndefined();
    const direct: HostGoProxy = { list: 'direct', from: 'go env GOPROXY' };
    const viaDirect = planWorkspace('/c', direct);
    expect(viaDirect.sources).toEqual({ kind: 'runner', proxy: direct });
    expect(runnerGoProxy(viaDirect)).toBe('direct');
    // The pins are still listed (the README's Reproduce section names them).
    expect(viaDirect.archives).toHaveLength(4);
  });

  it('writes the module, and refuses an archive whose sha256 is not the pinned one (nothing left in place)', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-ws-'));
    const plan = planWorkspace(cache, mirror);
    const fetched: string[] = [];
    const download: Downloader = {
      async toFile(url, dest) {
        fetched.push(url);
        writeFileSync(dest, 'not the archive');
        return { sha256: createHash('sha256').update('not the archive').digest('hex'), bytes: 15 };
      },
      text: async () => '',
      head: async () => 200,
    };
    await expect(prepareWorkspace(plan, download, createMemoryLogger())).rejects.toThrowError(
      new RegExp(`v1\\.6\\.1\\.zip.*${plan.archives[0].sha256}`),
    );
    expect(fetched).toEqual(['https://goproxy.example.test/sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.zip']);
    expect(existsSync(plan.archives[0].cachePath)).toBe(false);
    expect(readFileSync(join(plan.moduleDir, 'go.sum'), 'utf8')).toBe(moduleFile('go.sum'));
  });

  it('downloads nothing when the runner’s Go fetches the modules: only the module is written', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-ws-'));
    const plan = planWorkspace(cache, undefined);
    const download: Downloader = {
      toFile: () => Promise.reject(new Error('no download expected')),
      text: () => Promise.reject(new Error('no download expected')),
      head: () => Promise.reject(new Error('no download expected')),
    };
    await prepareWorkspace(plan, download, createMemoryLogger());
    expect(readdirSync(plan.moduleDir).sort()).toEqual(['conformance_test.go', 'go.mod', 'go.sum']);
    expect(readFileSync(join(plan.moduleDir, 'go.sum'), 'utf8')).toBe(moduleFile('go.sum'));
    expect(existsSync(plan.goproxyDir)).toBe(false);
  });
});

describe('go on PATH for --runner local', () => {
  const runner =
    (result: string | Error): RunCommand =>
    async () => {
      if (result instanceof Error) throw result;
      return { stdout: `${result}\n`, stderr: '', exitCode: 0 };
    };

  it('parses and compares versions', () => {
    expect(parseGoVersion('go1.26.8')).toEqual([1, 26, 8]);
    expect(parseGoVersion('go1.26rc1')).toEqual([1, 26, 0]);
    expect(parseGoVersion('devel go1.27-abc')).toBeUndefined();
    expect(atLeast([1, 26, 0], '1.26.0')).toBe(true);
    expect(atLeast([1, 25, 9], '1.26.0')).toBe(false);
    expect(atLeast([2, 0, 0], '1.26.0')).toBe(true);
  });

  it('missing or too old: one sentence, exit 3', async () => {
    const log = createMemoryLogger();
    expect(await checkGo(runner('go1.26.8'), log)).toBe('go1.26.8');
    const missing = new CommandError('go env GOVERSION', undefined, '', 'not-found', '`go` was not found on PATH');
    const error = await checkGo(runner(missing), log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).exitCode).toBe(ExitCode.environment);
    expect((error as Error).message).toBe(
      '`go` was not found on PATH, and --runner local builds the upstream suite with it; install Go >= 1.26.0 (https://go.dev/dl/), or drop --runner local to use the runner container.',
    );
    await expect(checkGo(runner('go1.25.3'), log)).rejects.toThrowError(
      /^`go` on PATH is go1\.25\.3, but the upstream suite v1\.6\.1 needs Go >= 1\.26\.0; install a newer Go/,
    );
  });
});
