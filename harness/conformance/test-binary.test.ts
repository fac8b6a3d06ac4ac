import {
  appendFileSync,
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  binaryPath,
  buildDir,
  installBinary,
  keyDir,
  reusableBinary,
  TEST_BINARY,
  testBinaryKey,
  type TestBinaryKey,
} from './test-binary.ts';
import { moduleSourceDir } from './workspace.ts';

const goEnv = (version = 'go1.26.8', arch = 'amd64') =>
  JSON.stringify({ GOVERSION: version, GOOS: 'linux', GOARCH: arch, GOROOT: '/usr/local/go', CGO_ENABLED: '1' });
const BUILD = ['test', '-C', '/m', '-c', '-o', '-ldflags=-s -w', '.', 'GOFLAGS=-mod=readonly -modcacherw'];

function moduleCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kg-module-'));
  cpSync(moduleSourceDir, dir, { recursive: true });
  return dir;
}

/** A "build": a build directory holding a binary with `content`, installed under `key`. */
async function built(binDir: string, key: TestBinaryKey, content = '#!/bin/sh\necho suite\n'): Promise<string> {
  const dir = await buildDir(binDir);
  writeFileSync(join(dir, TEST_BINARY), content, { mode: 0o755 });
  return installBinary(binDir, dir, key);
}

describe("the suite's test binary key", () => {
  it('changes with the Go version, the platform, go.sum, the module, the build flags and the suite version', async () => {
    const module = moduleCopy();
    const base = await testBinaryKey('v1.6.1', goEnv(), BUILD, module);
    expect(base.key).toMatch(/^[0-9a-f]{64}$/);
    expect((await testBinaryKey('v1.6.1', goEnv(), BUILD, module)).key).toBe(base.key);
    const others = [
      await testBinaryKey('v1.6.1', goEnv('go1.26.9'), BUILD, module),
      await testBinaryKey('v1.6.1', goEnv('go1.26.8', 'arm64'), BUILD, module),
      await testBinaryKey('v1.6.2', goEnv(), BUILD, module),
      await testBinaryKey('v1.6.1', goEnv(), [...BUILD, '-race'], module),
    ];
    appendFileSync(join(module, 'go.sum'), 'example.com/m v1.0.0 h1:AAAA=\n');
    others.push(await testBinaryKey('v1.6.1', goEnv(), BUILD, module));
    expect(new Set([base.key, ...others.map((o) => o.key)]).size).toBe(others.length + 1);
  });

  it('reads only the build settings of `go env` (a temporary path in GOGCCFLAGS changes nothing)', async () => {
    const module = moduleCopy();
    const a = JSON.stringify({ ...JSON.parse(goEnv()), GOGCCFLAGS: '-ffile-prefix-map=/tmp/go-build1=/tmp/go-build' });
    const b = JSON.stringify({ ...JSON.parse(goEnv()), GOGCCFLAGS: '-ffile-prefix-map=/tmp/go-build2=/tmp/go-build' });
    expect((await testBinaryKey('v1.6.1', a, BUILD, module)).key).toBe(
      (await testBinaryKey('v1.6.1', b, BUILD, module)).key,
    );
  });
});

describe("the suite's test binary in the cache", () => {
  const setup = async () => {
    const binDir = join(mkdtempSync(join(tmpdir(), 'kg-bin-')), 'bin');
    const module = moduleCopy();
    const key = await testBinaryKey('v1.6.1', goEnv(), BUILD, module);
    return { binDir, module, key };
  };

  it('is reused when its key matches, in a 0700 directory renamed into place', async () => {
    const { binDir, key } = await setup();
    expect(await reusableBinary(binDir, key)).toBeUndefined();
    const path = await built(binDir, key);
    expect(path).toBe(binaryPath(binDir, key.key));
    expect(statSync(binDir).mode & 0o777).toBe(0o700);
    expect(statSync(keyDir(binDir, key.key)).mode & 0o777).toBe(0o700);
    expect(readdirSync(binDir)).toEqual([key.key.slice(0, 20)]);
    const manifest = await reusableBinary(binDir, key);
    expect(manifest?.key).toBe(key.key);
    expect(manifest?.inputs.go.GOVERSION).toBe('go1.26.8');
  });

  it('is not reused for another key: a new Go or go.sum builds anew, and the old binary is removed', async () => {
    const { binDir, module, key } = await setup();
    await built(binDir, key);
    const newGo = await testBinaryKey('v1.6.1', goEnv('go1.27.0'), BUILD, module);
    expect(await reusableBinary(binDir, newGo)).toBeUndefined();
    await built(binDir, newGo);
    expect(readdirSync(binDir)).toEqual([newGo.key.slice(0, 20)]);
    appendFileSync(join(module, 'go.sum'), 'example.com/m v1.0.0 h1:AAAA=\n');
    const newSum = await testBinaryKey('v1.6.1', goEnv('go1.27.0'), BUILD, module);
    expect(await reusableBinary(binDir, newSum)).toBeUndefined();
  });

  it('is not reused when the binary was changed, cut short, lost its exec bit or its manifest', async () => {
    const { binDir, key } = await setup();
    const damage: ((path: string) => void)[] = [
      (path) => appendFileSync(path, 'x'),
      (path) => truncateSync(path, 4),
      (path) => writeFileSync(path, '#!/bin/sh\necho other\n'), // same size, other bytes
      (path) => writeFileSync(join(path, '..', 'build.json'), '{"key":'),
      (path) => writeFileSync(join(path, '..', 'build.json'), ''),
    ];
    for (const harm of damage) {
      const path = await built(binDir, key);
      expect(await reusableBinary(binDir, key)).toBeDefined();
      harm(path);
      expect(await reusableBinary(binDir, key)).toBeUndefined();
    }
    chmodSync(await built(binDir, key), 0o600);
    expect(await reusableBinary(binDir, key)).toBeUndefined();
  });

  it('a binary installed over a damaged one replaces it; one built meanwhile by another run is kept', async () => {
    const { binDir, key } = await setup();
    const path = await built(binDir, key);
    truncateSync(path, 4);
    await built(binDir, key, '#!/bin/sh\necho rebuilt\n');
    expect(await reusableBinary(binDir, key)).toBeDefined();
    // A second build of the same key finds a whole one in place: its own directory goes.
    await built(binDir, key, '#!/bin/sh\necho second\n');
    expect(await reusableBinary(binDir, key)).toBeDefined();
    expect(readdirSync(binDir)).toEqual([key.key.slice(0, 20)]);
  });

  it('a build directory left by a killed run is removed after a day, a fresh one (another run building) is not', async () => {
    const { binDir, key } = await setup();
    mkdirSync(join(binDir, '.build-old'), { recursive: true });
    mkdirSync(join(binDir, '.build-fresh'));
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    utimesSync(join(binDir, '.build-old'), dayAgo, dayAgo);
    await built(binDir, key);
    expect(readdirSync(binDir).sort()).toEqual(['.build-fresh', key.key.slice(0, 20)]);
  });
});
