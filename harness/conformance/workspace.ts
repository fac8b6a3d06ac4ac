import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.ts';
import { pins } from '../pins.ts';
import { ensureArtifact } from '../providers/kind/tools/artifact.ts';
import type { Downloader } from '../providers/kind/tools/download.ts';
import type { GoProxySource, HostGoProxy } from './go-proxy.ts';

/**
 * The directory the upstream suite is built in, under the cache directory:
 *   module/   go.mod + go.sum (every dependency pinned) + conformance_test.go (calls the suite)
 *   goproxy/  when this machine knows its Go module proxy: a file-based Go module proxy holding the
 *             pinned source archives, each downloaded once from that proxy and verified by sha256
 *             before Go sees it (Go then checks it against go.sum too)
 * With a file proxy, GOPROXY lists goproxy/ first, then this machine's own list for the other
 * dependencies. Without one, the runner's Go fetches every module itself, with its own settings,
 * and refuses any whose hash differs from go.sum (GOFLAGS=-mod=readonly: go.sum is never extended).
 */

/** The committed module files (go.mod and go.sum made by `go mod tidy` at the pinned version). */
export const moduleSourceDir = fileURLToPath(new URL('./module/', import.meta.url));
export const MODULE_FILES = ['go.mod', 'go.sum', 'conformance_test.go'] as const;

/** A pinned module zip or go.mod file, as the Go module proxy protocol names it. */
export interface PinnedArchive {
  /** Go module path and version, e.g. sigs.k8s.io/gateway-api/conformance v1.6.1. */
  module: string;
  version: string;
  /** `<escaped path>/@v/<version>.zip` (or `.mod`): the path under any Go module proxy. */
  proxyPath: string;
  sha256: string;
  bytes: number;
  /** The verified copy in the file proxy. */
  cachePath: string;
}

/** How the module sources reach the runner's Go. */
export type WorkspaceSources =
  /** This machine downloads the pinned archives from its own proxy and checks their sha256. */
  | { kind: 'host'; proxy: HostGoProxy & { base: string } }
  /** The runner's Go fetches them (with `proxy`'s list when one was learned, else its defaults). */
  | { kind: 'runner'; proxy?: HostGoProxy };

export interface WorkspacePlan {
  dir: string;
  moduleDir: string;
  goproxyDir: string;
  /** The upstream suite's version: always the CRDs' (pins.gatewayApi.version). */
  version: string;
  /** The pinned module zips and go.mod files (downloaded only when `sources.kind` is `host`). */
  archives: PinnedArchive[];
  /** `<path>/@v/<version>.info` files of the file proxy: the version and its time, as a proxy serves them. */
  infos: { path: string; content: string }[];
  sources: WorkspaceSources;
}

/** Go module proxy protocol: upper-case letters in a module path are written `!` + lower case. */
function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

function sourcesFrom(proxy: HostGoProxy | undefined): WorkspaceSources {
  const base = proxy?.base;
  return proxy && base ? { kind: 'host', proxy: { ...proxy, base } } : { kind: 'runner', proxy };
}

/** `proxy`: this machine's Go module proxy (learnGoProxy); undefined when none could be learned. */
export function planWorkspace(cacheDir: string, proxy: HostGoProxy | undefined): WorkspacePlan {
  const version = pins.gatewayApi.version;
  const dir = join(cacheDir, 'conformance', `gateway-api-${version}`);
  const goproxyDir = join(dir, 'goproxy');
  const archives: PinnedArchive[] = [];
  const infos: WorkspacePlan['infos'] = [];
  for (const m of pins.conformance.modules) {
    const at = `${escapeModulePath(m.path)}/@v/${m.version}`;
    for (const ext of ['zip', 'mod'] as const) {
      archives.push({
        module: m.path,
        version: m.version,
        proxyPath: `${at}.${ext}`,
        sha256: m[ext].sha256,
        bytes: m[ext].bytes,
        cachePath: join(goproxyDir, `${at}.${ext}`),
      });
    }
    infos.push({
      path: join(goproxyDir, `${at}.info`),
      content: `${JSON.stringify({ Version: m.version, Time: m.time })}\n`,
    });
  }
  return { dir, moduleDir: join(dir, 'module'), goproxyDir, version, archives, infos, sources: sourcesFrom(proxy) };
}

/**
 * GOPROXY for the runner's Go: the verified archives first (`goproxyDir` as the runner sees it),
 * then this machine's list; undefined leaves the runner's Go with its own setting.
 */
export function runnerGoProxy(plan: WorkspacePlan, goproxyDir = plan.goproxyDir): string | undefined {
  const { sources } = plan;
  if (sources.kind === 'host') return `file://${goproxyDir},${sources.proxy.list}`;
  return sources.proxy?.list;
}

/** How a shell writes the learned list, double-quoted: `"$GOPROXY"` or `"$(go env GOPROXY)"`. */
export function shellGoProxy(from: GoProxySource): string {
  return from === 'GOPROXY' ? '"$GOPROXY"' : '"$(go env GOPROXY)"';
}

/** Write the module and, with a host proxy, fill the file proxy (downloads only what is not already verified). */
export async function prepareWorkspace(plan: WorkspacePlan, download: Downloader, log: Logger): Promise<void> {
  await mkdir(plan.moduleDir, { recursive: true, mode: 0o700 });
  for (const name of MODULE_FILES) {
    await writeFile(join(plan.moduleDir, name), await readFile(join(moduleSourceDir, name)));
  }
  const { sources } = plan;
  if (sources.kind !== 'host') return;
  for (const archive of plan.archives) {
    await ensureArtifact({ ...archive, url: `${sources.proxy.base}/${archive.proxyPath}` }, download, log);
  }
  for (const info of plan.infos) await writeFile(info.path, info.content);
}
