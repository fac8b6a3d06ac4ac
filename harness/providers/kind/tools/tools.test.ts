import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CommandLine } from '../../../exec.ts';
import { createMemoryLogger } from '../../../log.ts';
import { ChecksumMismatchError, parseChecksumFile, sha256Text } from './checksum.ts';
import type { Downloader } from './download.ts';
import { toolPlatform } from './platform.ts';
import { parseToolVersion, resolveTool, type ToolDeps, type ToolSpec } from './resolve.ts';
import { extractFromTarGz } from './tar.ts';

function tarGz(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write('0000755\0', 100);
    header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('0', 156);
    header.write('ustar\0', 257);
    blocks.push(header, Buffer.from(content), Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

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

function deps(
  download: Downloader,
  opts: { onPath?: string; version?: string } = {},
): ToolDeps & { ran: CommandLine[] } {
  const ran: CommandLine[] = [];
  return {
    ran,
    download,
    which: async () => opts.onPath,
    run: async (command) => {
      ran.push(command);
      return { stdout: opts.version ?? '', stderr: '', exitCode: 0 };
    },
  };
}

const KIND_URL = 'https://kind.sigs.k8s.io/dl/v0.33.0/kind-linux-amd64';
const kindBinary = 'kind-binary-bytes';

function kindSpec(cache: string, sha256 = sha256Text(kindBinary)): ToolSpec {
  const path = join(cache, 'kind-v0.33.0-linux-amd64', 'kind');
  return {
    name: 'kind',
    version: 'v0.33.0',
    versionArgs: ['version'],
    artifact: { url: KIND_URL, sha256, cachePath: path },
    binPath: path,
  };
}

describe('resolveTool', () => {
  it('uses the tool on PATH when its version is the pinned one', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const net = fakeDownloader({});
    const d = deps(net, { onPath: '/usr/local/bin/kind', version: 'kind v0.33.0 go1.24.6 linux/amd64\n' });
    expect(await resolveTool(kindSpec(cache), d, createMemoryLogger())).toBe('/usr/local/bin/kind');
    expect(d.ran[0]).toMatchObject({ file: '/usr/local/bin/kind', args: ['version'] });
    expect(net.requests).toEqual([]);
  });

  it('downloads, verifies and marks executable when PATH has another version; reuses the cache next time', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const net = fakeDownloader({ [KIND_URL]: kindBinary });
    const log = createMemoryLogger();
    const path = await resolveTool(
      kindSpec(cache),
      deps(net, { onPath: '/usr/bin/kind', version: 'kind v0.29.0 go1.24 linux/amd64' }),
      log,
    );
    expect(await readFile(path, 'utf8')).toBe(kindBinary);
    expect(statSync(path).mode & 0o111).toBe(0o111);
    expect(log.lines.join('\n')).toContain('is v0.29.0, not the pinned v0.33.0');
    await resolveTool(kindSpec(cache), deps(net), log);
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

  it('verifies istioctl against the published .sha256 file, then extracts the binary', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const url = 'https://github.com/istio/istio/releases/download/1.31.0/istioctl-1.31.0-linux-amd64.tar.gz';
    const archive = tarGz({ istioctl: '#!istioctl' });
    const net = fakeDownloader({
      [url]: archive,
      [`${url}.sha256`]: `${sha256Text(archive)}  istioctl-1.31.0-linux-amd64.tar.gz\n`,
    });
    const spec: ToolSpec = {
      name: 'istioctl',
      version: '1.31.0',
      versionArgs: ['version', '--remote=false', '--short'],
      archiveMember: 'istioctl',
      artifact: { url, checksumUrl: `${url}.sha256`, cachePath: join(cache, 'istioctl-1.31.0-linux-amd64.tar.gz') },
      binPath: join(cache, 'istioctl-1.31.0-linux-amd64', 'istioctl'),
    };
    const path = await resolveTool(spec, deps(net), createMemoryLogger());
    expect(await readFile(path, 'utf8')).toBe('#!istioctl');
    expect(statSync(path).mode & 0o777).toBe(0o755);
    expect(net.requests).toEqual([`${url}.sha256`, url]);
  });

  it('rejects an istioctl archive that does not match its published checksum', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-tools-'));
    const url = 'https://example.invalid/istioctl-1.31.0-linux-amd64.tar.gz';
    const net = fakeDownloader({
      [url]: tarGz({ istioctl: 'evil' }),
      [`${url}.sha256`]: `${'b'.repeat(64)}  istioctl-1.31.0-linux-amd64.tar.gz`,
    });
    const spec: ToolSpec = {
      name: 'istioctl',
      version: '1.31.0',
      versionArgs: [],
      archiveMember: 'istioctl',
      artifact: { url, checksumUrl: `${url}.sha256`, cachePath: join(cache, 'a.tar.gz') },
      binPath: join(cache, 'bin', 'istioctl'),
    };
    await expect(resolveTool(spec, deps(net), createMemoryLogger())).rejects.toThrow(
      /Checksum mismatch for istioctl-1.31.0-linux-amd64.tar.gz .*expected sha256 b{64}/,
    );
    expect(existsSync(spec.binPath)).toBe(false);
  });
});

describe('version and checksum parsing', () => {
  it('reads kind and istioctl version lines', () => {
    expect(parseToolVersion('kind', 'kind v0.33.0 go1.24.6 linux/amd64\n')).toBe('v0.33.0');
    expect(parseToolVersion('istioctl', 'client version: 1.31.0\n')).toBe('1.31.0');
    expect(parseToolVersion('istioctl', '1.31.0\n')).toBe('1.31.0');
    expect(parseToolVersion('kind', 'garbage')).toBeUndefined();
  });

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
