import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandLine } from '../exec.ts';
import { MODULE_FILES } from './workspace.ts';

/**
 * `--runner local` builds the upstream suite's test binary once (`go test -c`) and runs it
 * directly afterwards: `go test` would check every package and link a new 50-70 MB binary on each
 * run (about 2 CPU-seconds and as many seconds of wall time here, far more on a busy disk) although
 * nothing it is built from changed.
 *
 *   <workspace>/bin/<key>/conformance.test   the binary (linked -s -w, as `go test` links the one it runs)
 *   <workspace>/bin/<key>/build.json         what it was built from (its key's inputs), its size and sha256
 *
 * <key> is a sha256 of everything the binary is made of: the suite version, the module files
 * (go.mod, go.sum: the pin list, conformance_test.go), the build flags and Go's own settings
 * (`go env`: version, GOROOT, GOOS/GOARCH and what else changes the code it emits). A key directory
 * appears whole: it is built in a private `.build-*` directory and renamed into place; it is
 * reused only while its binary still has the size and sha256 recorded when it was built.
 */

/** The `go env` settings that change the binary `go test -c` makes (cmd/go/internal/cfg, cmd/go/internal/work). */
export const GO_BUILD_SETTINGS = [
  'GOVERSION',
  'GOROOT',
  'GOOS',
  'GOARCH',
  'GOEXPERIMENT',
  'GOFIPS140',
  'GOAMD64',
  'GOARM',
  'GOARM64',
  'GO386',
  'GOPPC64',
  'GORISCV64',
  'GOMIPS',
  'GOMIPS64',
  'GOWASM',
  'CGO_ENABLED',
  'CC',
  'CXX',
  'CGO_CFLAGS',
  'CGO_CPPFLAGS',
  'CGO_CXXFLAGS',
  'CGO_LDFLAGS',
  'PKG_CONFIG',
] as const;

export const TEST_BINARY = 'conformance.test';
const MANIFEST = 'build.json';
/** Shown where the key is not known yet (the dry run): the directory name of one build. */
export const KEY_PLACEHOLDER = '<key>';
/** Key directories: the first 20 hex digits of the key (build.json holds all of it). */
const KEY_DIR = /^[0-9a-f]{20}$/;
/** A `.build-*` directory older than this was left by a run that was killed (SIGKILL): removed. */
const STALE_BUILD_MS = 24 * 3600_000;

/** `go env -json <settings>`, with the environment the build gets (GOFLAGS, GOTOOLCHAIN, …). */
export function goEnvCommand(env: Record<string, string>): CommandLine {
  return { file: 'go', args: ['env', '-json', ...GO_BUILD_SETTINGS], timeoutMs: 30_000, env };
}

/** What a test binary is built from; its sha256 is the key. */
export interface TestBinaryInputs {
  suite: string;
  go: Record<string, string>;
  /** sha256 of each module file. */
  module: Record<string, string>;
  /** The build's arguments (without -o, which differs per build). */
  build: string[];
}

export interface TestBinaryKey {
  key: string;
  inputs: TestBinaryInputs;
}

export interface BuildManifest {
  key: string;
  inputs: TestBinaryInputs;
  bytes: number;
  sha256: string;
  builtAt: string;
}

const sha256Of = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The key of a build from `go env -json` output, the module files it builds (in `moduleDir`) and the build's arguments. */
export async function testBinaryKey(
  suite: string,
  goEnvJson: string,
  build: string[],
  moduleDir: string,
): Promise<TestBinaryKey> {
  const parsed = JSON.parse(goEnvJson) as Record<string, unknown>;
  const go = Object.fromEntries(GO_BUILD_SETTINGS.map((name) => [name, String(parsed[name] ?? '')]));
  const module: Record<string, string> = {};
  for (const name of MODULE_FILES) module[name] = sha256Of(await readFile(join(moduleDir, name)));
  const inputs: TestBinaryInputs = { suite, go, module, build };
  return { key: sha256Of(JSON.stringify(inputs)), inputs };
}

export function keyDir(binDir: string, key: string): string {
  return join(binDir, key === KEY_PLACEHOLDER ? key : key.slice(0, 20));
}

export function binaryPath(binDir: string, key: string): string {
  return join(keyDir(binDir, key), TEST_BINARY);
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The manifest of the binary built for `key`, when that binary is whole: built for exactly these
 * inputs, with the size and sha256 recorded at build time. Undefined otherwise (missing, partial,
 * changed, or built from something else): the caller builds it anew.
 */
export async function reusableBinary(binDir: string, key: TestBinaryKey): Promise<BuildManifest | undefined> {
  const dir = keyDir(binDir, key.key);
  try {
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as BuildManifest;
    if (manifest.key !== key.key || JSON.stringify(manifest.inputs) !== JSON.stringify(key.inputs)) return undefined;
    const binary = join(dir, TEST_BINARY);
    const info = await stat(binary);
    if (!info.isFile() || info.size !== manifest.bytes || (info.mode & 0o100) === 0) return undefined;
    return (await fileSha256(binary)) === manifest.sha256 ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** A private directory to build in, beside the key directories (the rename stays on one file system). */
export async function buildDir(binDir: string): Promise<string> {
  await mkdir(binDir, { recursive: true, mode: 0o700 });
  const dir = join(binDir, `.build-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { mode: 0o700 });
  return dir;
}

/**
 * Record what `built` (the binary in a build directory) is, and rename the build directory into
 * place as the key's directory; a key directory already there (not whole, or another run's) is
 * replaced. Other keys' binaries (an older Go, an older go.sum) are removed: kindgate made them.
 */
export async function installBinary(binDir: string, build: string, key: TestBinaryKey): Promise<string> {
  const binary = join(build, TEST_BINARY);
  const info = await stat(binary);
  const manifest: BuildManifest = {
    key: key.key,
    inputs: key.inputs,
    bytes: info.size,
    sha256: await fileSha256(binary),
    builtAt: new Date().toISOString(),
  };
  await writeFile(join(build, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  const target = keyDir(binDir, key.key);
  try {
    await rename(build, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    if (await reusableBinary(binDir, key)) {
      // Another run installed the same key meanwhile: its binary is as good as this one.
      await rm(build, { recursive: true, force: true });
    } else {
      // What is there is not whole (a corrupted binary, a damaged manifest): replaced.
      await rm(target, { recursive: true, force: true });
      await rename(build, target);
    }
  }
  await removeOtherBuilds(binDir, target);
  return join(target, TEST_BINARY);
}

async function removeOtherBuilds(binDir: string, keep: string): Promise<void> {
  for (const name of await readdir(binDir).catch(() => [] as string[])) {
    const path = join(binDir, name);
    if (path === keep) continue;
    if (KEY_DIR.test(name)) await rm(path, { recursive: true, force: true });
    else if (name.startsWith('.build-')) {
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_BUILD_MS) await rm(path, { recursive: true, force: true });
    }
  }
}
