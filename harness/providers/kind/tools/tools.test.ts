import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../log.ts';
import { ChecksumMismatchError, parseChecksumFile, sha256Text } from './checksum.ts';
import type { Downloader } from './download.ts';
import { toolPlatform } from './platform.ts';
import { describeResolvedTool, resolveTool, type ToolDeps, type ToolSpec } from './resolve.ts';
import { extractFromTarGz } from './tar.ts';
import { tarGz } from './tar.test-helper.ts';

/** A fake network: a map of URL → body, recording every request. */
function fakeDownloader(bodies: Record<string, Buffer | string>): Downloader & { requests: string[] } {
  const requests: string[] = [];
  return {
    requests,
    async toFile(url, dest) {
      requests.push(url);
      const body = Buffer.from(bodies[url] ?? '');
      await writeFile(dest, body);
      return { sha256: sha256Text(body), bytes: body.length };
    },
    async text(url) {
      requests.push(url);
      return String(bodies[url]);
    },
    async head() {
      return 200;
    },
  };
}

/** Tool deps over the fake network; `onPath` is a real file (its bytes are what gets hashed). */
function deps(download: Downloader, opts: { onPath?: string } = {}): ToolDeps {
  return { download, which: async () => opts.onPath };
}

/** A real executable file with these bytes, as a binary on PATH would be. */
function binaryOnPath(name: string, bytes: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kg-path-')), name);
  writeFileSync(path, bytes, { mode: 0o755 });
  return path;
}

const KIND_URL = 'https://kind.sigs.k8s.io/dl/v0.33.0/kind-linux-amd64';
const kindBinary = 'kind-binary-bytes';

function kindSpec(cache: string, sha256 = sha256Text(kindBinary)): ToolSpec {
  const path = join(cache, 'kind-v0.33.0-linux-amd64', 'kind');
  return {
    name: 'kind',
    version: 'v0.33.0',
    artifact: { url: KIND_URL, sha256, cachePath: path },
    binPath: path,
  };
}

const ISTIO_URL = 'https://github.com/istio/istio/releases/download/1.31.0/istioctl-1.31.0-linux-amd64.tar.gz';

function istioctlSpec(cache: string, url = ISTIO_URL): ToolSpec {
  return {
    name: 'istioctl',
    version: '1.31.0',
    archiveMember: 'istioctl',
    artifact: { url, checksumUrl: `${url}.sha256`, cachePath: join(cache, 'istioctl-1.31.0-linux-amd64.tar.gz') },
    binPath: join(cache, 'istioctl-1.31.0-linux-amd64', 'istioctl'),
  };
}

/** The release archive of istioctl and its published `.sha256` file, on the fake network. */
function istioRelease(binary: string): Record<string, Buffer | string> {
  const archive = tarGz({ istioctl: binary });
  return {
    [ISTIO_URL]: archive,
    [`${ISTIO_URL}.sha256`]: `${sha256Text(archive)}  istioctl-1.31.0-linux-amd64.tar.gz\n`,
  };
}

describe('resolveTool', () => {
  it('uses the kind on PATH when its sha256 is the pinned one: nothing downloaded, nothing run', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const net = fakeDownloader({});
    const onPath = binaryOnPath('kind', kindBinary);
    const resolved = await resolveTool(kindSpec(cache), deps(net, { onPath }), createMemoryLogger());
    expect(resolved).toEqual({ path: onPath, origin: 'PATH' });
    expect(describeResolvedTool(kindSpec(cache), resolved.origin)).toBe('kind v0.33.0 (PATH, sha256 verified)');
    expect(net.requests).toEqual([]);
  });

  it('a PATH kind whose bytes differ from the pinned sha256 is not used (whatever version it prints): the verified download is', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const net = fakeDownloader({ [KIND_URL]: kindBinary });
    const log = createMemoryLogger();
    // Same size, same version string inside, other bytes: a rebuilt or tampered kind.
    const onPath = binaryOnPath('kind', 'kind-binary-bytez');
    const resolved = await resolveTool(kindSpec(cache), deps(net, { onPath }), log);
    expect(resolved).toEqual({ path: kindSpec(cache).binPath, origin: 'downloaded' });
    expect(resolved.path).not.toBe(onPath);
    expect(await readFile(resolved.path, 'utf8')).toBe(kindBinary);
    expect(log.lines).toContain(
      `  kind on PATH (${onPath}) has sha256 ${sha256Text('kind-binary-bytez')}, not the pinned ${sha256Text(kindBinary)}, ` +
        'so it is not used; using the verified kind v0.33.0',
    );
    expect(await resolveTool(kindSpec(cache), deps(net, { onPath }), log)).toMatchObject({ origin: 'cached' });
    expect(net.requests).toEqual([KIND_URL]);
  });

  it('without a pinned sha256 (other platforms) a PATH kind is checked against the .sha256sum published beside the binary', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const spec: ToolSpec = {
      ...kindSpec(cache),
      artifact: { url: KIND_URL, checksumUrl: `${KIND_URL}.sha256sum`, cachePath: kindSpec(cache).binPath },
    };
    const net = fakeDownloader({ [`${KIND_URL}.sha256sum`]: `${sha256Text(kindBinary)}  kind-linux-amd64\n` });
    const onPath = binaryOnPath('kind', kindBinary);
    expect(await resolveTool(spec, deps(net, { onPath }), createMemoryLogger())).toEqual({
      path: onPath,
      origin: 'PATH',
    });
    expect(net.requests).toEqual([`${KIND_URL}.sha256sum`]);
  });

  it('downloads, verifies and marks executable when nothing is on PATH; reuses the cache next time', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const net = fakeDownloader({ [KIND_URL]: kindBinary });
    const log = createMemoryLogger();
    const { path, origin } = await resolveTool(kindSpec(cache), deps(net), log);
    expect(origin).toBe('downloaded');
    expect(await readFile(path, 'utf8')).toBe(kindBinary);
    expect(statSync(path).mode & 0o111).toBe(0o111);
    expect(await resolveTool(kindSpec(cache), deps(net), log)).toEqual({ path, origin: 'cached' });
    expect(net.requests).toEqual([KIND_URL]);
  });

  it('refuses a download whose sha256 differs, naming file, expected and actual, and leaves nothing to run', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const expected = 'a'.repeat(64);
    const spec = kindSpec(cache, expected);
    const error = await resolveTool(spec, deps(fakeDownloader({ [KIND_URL]: 'tampered' })), createMemoryLogger()).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain('kind-linux-amd64');
    expect(error.message).toContain(`expected sha256 ${expected}`);
    expect(error.message).toContain(`got ${sha256Text('tampered')}`);
    expect(existsSync(spec.binPath)).toBe(false);
  });

  it('verifies istioctl against the published .sha256 file, then extracts the binary and records its sha256 beside it', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const net = fakeDownloader(istioRelease('#!istioctl'));
    const spec = istioctlSpec(cache);
    const { path, origin } = await resolveTool(spec, deps(net), createMemoryLogger());
    expect(origin).toBe('downloaded');
    expect(await readFile(path, 'utf8')).toBe('#!istioctl');
    expect(statSync(path).mode & 0o777).toBe(0o755);
    expect((await readFile(`${path}.sha256`, 'utf8')).trim()).toBe(sha256Text('#!istioctl'));
    expect(net.requests).toEqual([`${ISTIO_URL}.sha256`, ISTIO_URL]);
    expect(await resolveTool(spec, deps(net), createMemoryLogger())).toEqual({ path, origin: 'cached' });
    expect(net.requests).toHaveLength(2);
  });

  it('uses istioctl on PATH only when its bytes equal the verified archive’s binary (fetched once, then cached)', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const net = fakeDownloader(istioRelease('#!istioctl'));
    const spec = istioctlSpec(cache);
    const same = binaryOnPath('istioctl', '#!istioctl');
    expect(await resolveTool(spec, deps(net, { onPath: same }), createMemoryLogger())).toEqual({
      path: same,
      origin: 'PATH',
    });
    const log = createMemoryLogger();
    const other = binaryOnPath('istioctl', '#!istioctl 1.31.0, rebuilt');
    expect(await resolveTool(spec, deps(net, { onPath: other }), log)).toEqual({
      path: spec.binPath,
      origin: 'cached',
    });
    expect(log.lines.join('\n')).toContain(
      `istioctl on PATH (${other}) has sha256 ${sha256Text('#!istioctl 1.31.0, rebuilt')}, not the binary of the verified istioctl-1.31.0-linux-amd64.tar.gz`,
    );
    expect(net.requests).toEqual([`${ISTIO_URL}.sha256`, ISTIO_URL]);
  });

  it('rejects an istioctl archive that does not match its published checksum', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const url = 'https://example.invalid/istioctl-1.31.0-linux-amd64.tar.gz';
    const net = fakeDownloader({
      [url]: tarGz({ istioctl: 'evil' }),
      [`${url}.sha256`]: `${'b'.repeat(64)}  istioctl-1.31.0-linux-amd64.tar.gz`,
    });
    const spec: ToolSpec = { ...istioctlSpec(cache, url), binPath: join(cache, 'bin', 'istioctl') };
    await expect(resolveTool(spec, deps(net), createMemoryLogger())).rejects.toThrow(
      /Checksum mismatch for istioctl-1.31.0-linux-amd64.tar.gz .*expected sha256 b{64}/,
    );
    expect(existsSync(spec.binPath)).toBe(false);
  });
});

describe('checksum parsing', () => {
  it('reads a published checksum file and picks the named entry', () => {
    const a = 'a'.repeat(64);
    const b = 'B'.repeat(64);
    expect(parseChecksumFile(`${a}  bin/kind-linux-amd64\n`, 'kind-linux-amd64', 'x')).toBe(a);
    expect(parseChecksumFile(`${a}  other\n${b} *istioctl.tar.gz\n`, 'istioctl.tar.gz', 'x')).toBe('b'.repeat(64));
    expect(() => parseChecksumFile('<html>not found</html>', 'kind', 'https://x/kind.sha256sum')).toThrow(
      /has no sha256 for kind/,
    );
  });

  it('extracts a member from a tar.gz and returns undefined for a missing one', () => {
    const archive = tarGz({ LICENSE: 'text', './istioctl': 'bin' });
    expect(extractFromTarGz(archive, 'istioctl')?.toString()).toBe('bin');
    expect(extractFromTarGz(archive, 'nope')).toBeUndefined();
  });
});

describe('toolPlatform', () => {
  it('maps node names to the release names', () => {
    expect(toolPlatform('darwin', 'arm64')).toEqual({
      os: 'darwin',
      arch: 'arm64',
      kind: 'darwin-arm64',
      istio: 'osx-arm64',
    });
    expect(toolPlatform('linux', 'x64').istio).toBe('linux-amd64');
  });

  it('refuses other platforms with one sentence pointing to --provider sim', () => {
    expect(() => toolPlatform('win32', 'x64')).toThrow(/not win32\/x64.*--provider sim\.$/);
    expect(() => toolPlatform('linux', 'ia32')).toThrow(expect.objectContaining({ exitCode: 3 }));
  });
});
