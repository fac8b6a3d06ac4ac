import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError, ExitCode } from '../errors.ts';
import { CommandError, type RunCommand } from '../exec.ts';
import { createMemoryLogger } from '../log.ts';
import { pins } from '../pins.ts';
import type { Downloader } from '../providers/kind/tools/download.ts';
import { atLeast, checkGo, parseGoVersion } from './go-toolchain.ts';
import { archiveProxyBase, goProxyValue, moduleSourceDir, planWorkspace, prepareWorkspace } from './workspace.ts';

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

  it('plans the archives in the Go module proxy layout, from GOPROXY or Go’s default', () => {
    const plan = planWorkspace('/c', {});
    expect(plan.archives.map((a) => [a.url, a.cachePath])).toEqual([
      [
        `${pins.conformance.defaultGoProxy}/sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.zip`,
        '/c/conformance/gateway-api-v1.6.1/goproxy/sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.zip',
      ],
      [
        `${pins.conformance.defaultGoProxy}/sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.mod`,
        '/c/conformance/gateway-api-v1.6.1/goproxy/sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.mod',
      ],
      [
        `${pins.conformance.defaultGoProxy}/sigs.k8s.io/gateway-api/@v/v1.6.1.zip`,
        '/c/conformance/gateway-api-v1.6.1/goproxy/sigs.k8s.io/gateway-api/@v/v1.6.1.zip',
      ],
      [
        `${pins.conformance.defaultGoProxy}/sigs.k8s.io/gateway-api/@v/v1.6.1.mod`,
        '/c/conformance/gateway-api-v1.6.1/goproxy/sigs.k8s.io/gateway-api/@v/v1.6.1.mod',
      ],
    ]);
    expect(plan.archives.every((a) => /^[0-9a-f]{64}$/.test(a.sha256))).toBe(true);
    expect(goProxyValue(plan)).toBe(
      `file:///c/conformance/gateway-api-v1.6.1/goproxy,${pins.conformance.defaultGoProxy},direct`,
    );
    const mirrored = planWorkspace('/c', { GOPROXY: 'https://goproxy.example.com/,direct' });
    expect(mirrored.archives[0].url).toBe(
      'https://goproxy.example.com/sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.zip',
    );
    expect(mirrored.upstreamProxy).toBe('https://goproxy.example.com/,direct');
    expect(archiveProxyBase({ GOPROXY: 'off' })).toBe(pins.conformance.defaultGoProxy);
  });

  it('writes the module, and refuses an archive whose sha256 is not the pinned one (nothing left in place)', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-ws-'));
    const plan = planWorkspace(cache, {});
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
    expect(fetched).toEqual([plan.archives[0].url]);
    expect(existsSync(plan.archives[0].cachePath)).toBe(false);
    expect(readFileSync(join(plan.moduleDir, 'go.sum'), 'utf8')).toBe(moduleFile('go.sum'));
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
