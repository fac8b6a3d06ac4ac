import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.ts';
import { pins } from '../pins.ts';
import { ensureArtifact, type Artifact } from '../providers/kind/tools/artifact.ts';
import type { Downloader } from '../providers/kind/tools/download.ts';

/**
 * The directory the upstream suite is built in, under the cache directory:
 *   module/   go.mod + go.sum (every dependency pinned) + conformance_test.go (calls the suite)
 *   goproxy/  a file-based Go module proxy holding the pinned source archives, each downloaded
 *             once and verified by sha256 before Go sees it (Go then checks it against go.sum too)
 * GOPROXY lists goproxy/ first, then the user's proxy (or Go's default) for the other dependencies.
 */

/** The committed module files (go.mod and go.sum made by `go mod tidy` at the pinned version). */
export const moduleSourceDir = fileURLToPath(new URL('./module/', import.meta.url));
export const MODULE_FILES = ['go.mod', 'go.sum', 'conformance_test.go'] as const;

export interface SourceArchive extends Artifact {
  /** Go module path and version, e.g. sigs.k8s.io/gateway-api/conformance v1.6.1. */
  module: string;
  version: string;
  sha256: string;
  bytes: number;
}

export interface WorkspacePlan {
  dir: string;
  moduleDir: string;
  goproxyDir: string;
  /** The upstream suite's version: always the CRDs' (pins.gatewayApi.version). */
  version: string;
  /** Module zips and go.mod files, as the Go module proxy protocol names them (`<path>/@v/<version>.zip`). */
  archives: SourceArchive[];
  /** `<path>/@v/<version>.info` files of the file proxy: the version and its time, as the proxy serves them. */
  infos: { path: string; content: string }[];
  /** The proxy after the file proxy: the user's GOPROXY, or Go's default. */
  upstreamProxy: string;
}

/** Go module proxy protocol: upper-case letters in a module path are written `!` + lower case. */
function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** The proxy the archives come from: the first http(s) entry of GOPROXY, else Go's default. */
export function archiveProxyBase(env: NodeJS.ProcessEnv): string {
  const first = (env.GOPROXY ?? '')
    .split(/[,|]/)
    .map((s) => s.trim())
    .find((s) => /^https?:\/\//.test(s));
  return (first ?? pins.conformance.defaultGoProxy).replace(/\/+$/, '');
}

export function planWorkspace(cacheDir: string, env: NodeJS.ProcessEnv = process.env): WorkspacePlan {
  const version = pins.gatewayApi.version;
  const dir = join(cacheDir, 'conformance', `gateway-api-${version}`);
  const goproxyDir = join(dir, 'goproxy');
  const base = archiveProxyBase(env);
  const archives: SourceArchive[] = [];
  const infos: WorkspacePlan['infos'] = [];
  for (const m of pins.conformance.modules) {
    const at = `${escapeModulePath(m.path)}/@v/${m.version}`;
    for (const ext of ['zip', 'mod'] as const) {
      archives.push({
        module: m.path,
        version: m.version,
        url: `${base}/${at}.${ext}`,
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
  const userProxy = env.GOPROXY?.trim();
  return {
    dir,
    moduleDir: join(dir, 'module'),
    goproxyDir,
    version,
    archives,
    infos,
    upstreamProxy: userProxy && userProxy !== 'off' ? userProxy : `${pins.conformance.defaultGoProxy},direct`,
  };
}

/** GOPROXY for the runner: the verified archives first (`goproxyDir` as the runner sees it). */
export function goProxyValue(plan: WorkspacePlan, goproxyDir = plan.goproxyDir): string {
  return `file://${goproxyDir},${plan.upstreamProxy}`;
}

/** Write the module and fill the file proxy (downloads only what is not already verified in the cache). */
export async function prepareWorkspace(plan: WorkspacePlan, download: Downloader, log: Logger): Promise<void> {
  await mkdir(plan.moduleDir, { recursive: true, mode: 0o700 });
  for (const name of MODULE_FILES) {
    await writeFile(join(plan.moduleDir, name), await readFile(join(moduleSourceDir, name)));
  }
  for (const archive of plan.archives) await ensureArtifact(archive, download, log);
  for (const info of plan.infos) await writeFile(info.path, info.content);
}
