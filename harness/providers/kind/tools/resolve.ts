import { constants, existsSync } from 'node:fs';
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { SetupError } from '../../../errors.ts';
import type { Logger } from '../../../log.ts';
import { ensureArtifact, pinnedSha256, type Artifact } from './artifact.ts';
import { sha256File } from './checksum.ts';
import type { Downloader } from './download.ts';
import { extractFromTarGz } from './tar.ts';

export type ToolName = 'kind' | 'istioctl';

/** How one pinned tool is found or fetched; built by the plan, executed by resolveTool. */
export interface ToolSpec {
  name: ToolName;
  /** Pinned version (`v0.33.0` for kind, `1.31.0` for istioctl), for messages and step lines. */
  version: string;
  artifact: Artifact;
  /** Member of a tar.gz artifact that is the binary; absent when the artifact is the binary. */
  archiveMember?: string;
  /** Where the verified, executable binary lives in the cache. */
  binPath: string;
}

export interface ToolDeps {
  download: Downloader;
  /** Absolute path of `name` on PATH, if any. */
  which(name: string): Promise<string | undefined>;
  /** sha256 of a file (a binary found on PATH); default: read and hash it. */
  hashFile?(path: string): Promise<string>;
}

/** Where the binary that runs came from; every one of them is checked by sha256. */
export type ToolOrigin = 'PATH' | 'cached' | 'downloaded';

export interface ResolvedTool {
  path: string;
  origin: ToolOrigin;
}

/** `kind v0.33.0 (PATH, sha256 verified)`: how the step line names a resolved tool. */
export function describeResolvedTool(spec: Pick<ToolSpec, 'name' | 'version'>, origin: ToolOrigin): string {
  return `${spec.name} ${spec.version} (${origin}, sha256 verified)`;
}

export async function whichOnPath(name: string, pathEnv = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of pathEnv.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** True when a verified copy of the tool is already in the cache (no download needed). */
export function toolCached(spec: ToolSpec): boolean {
  return existsSync(spec.binPath) && existsSync(`${spec.binPath}.sha256`);
}

function pathMismatchNote(spec: ToolSpec, onPath: string, actual: string, expected: string, against: string): string {
  return (
    `${spec.name} on PATH (${onPath}) has sha256 ${actual}, not the ${against} ${expected}, ` +
    `so it is not used; using the verified ${spec.name} ${spec.version}`
  );
}

/**
 * The binary on PATH when its bytes are the verified ones (sha256 equal to `expected`), else
 * undefined with a log line saying why. A version string proves nothing: only the hash counts.
 */
async function verifiedOnPath(
  spec: ToolSpec,
  deps: ToolDeps,
  expected: () => Promise<string>,
  against: string,
  log?: Logger,
): Promise<string | undefined> {
  const onPath = await deps.which(spec.name);
  if (!onPath) return undefined;
  const actual = await (deps.hashFile ?? sha256File)(onPath).catch((error: Error) => {
    log?.info(`${spec.name} on PATH (${onPath}) cannot be read (${error.message}); using the verified ${spec.name}`);
    return undefined;
  });
  if (actual === undefined) return undefined;
  const want = await expected();
  if (actual === want) return onPath;
  log?.info(pathMismatchNote(spec, onPath, actual, want, against));
  return undefined;
}

/**
 * True when the run needs no download for this tool: a verified copy is cached, or (for a tool
 * whose pinned sha256 is known without the network) the one on PATH has that hash.
 */
export async function toolAvailableOffline(spec: ToolSpec, deps: ToolDeps): Promise<boolean> {
  if (toolCached(spec)) return true;
  if (spec.archiveMember || !spec.artifact.sha256) return false;
  const pinned = spec.artifact.sha256;
  return (await verifiedOnPath(spec, deps, async () => pinned, 'pinned')) !== undefined;
}

/**
 * A single-binary tool (kind): the one on PATH only when its sha256 is the pinned one (or the one
 * published beside the release binary), else the verified copy in the cache, else a verified download.
 */
async function resolveBinary(spec: ToolSpec, deps: ToolDeps, log: Logger, signal?: AbortSignal): Promise<ResolvedTool> {
  const expected = () => pinnedSha256(spec.artifact, deps.download, signal);
  const onPath = await verifiedOnPath(spec, deps, expected, 'pinned', log);
  if (onPath) return { path: onPath, origin: 'PATH' };
  const { path, downloaded } = await ensureArtifact(spec.artifact, deps.download, log, signal);
  await chmod(path, 0o755);
  return { path, origin: downloaded ? 'downloaded' : 'cached' };
}

function missingMemberMessage(spec: ToolSpec): string {
  return `The verified archive ${spec.artifact.url} has no ${spec.archiveMember}; report this, and meanwhile use --provider sim.`;
}

/** The binary extracted from the verified archive, with its sha256 recorded beside it. */
async function verifiedFromArchive(
  spec: ToolSpec,
  deps: ToolDeps,
  log: Logger,
  signal?: AbortSignal,
): Promise<ResolvedTool & { sha256: string }> {
  const record = `${spec.binPath}.sha256`;
  if (existsSync(spec.binPath) && existsSync(record)) {
    const recorded = (await readFile(record, 'utf8')).trim();
    if (recorded === (await sha256File(spec.binPath)))
      return { path: spec.binPath, origin: 'cached', sha256: recorded };
  }
  const { path: archive, downloaded } = await ensureArtifact(spec.artifact, deps.download, log, signal);
  const binary = extractFromTarGz(await readFile(archive), spec.archiveMember!);
  if (!binary) throw new SetupError(missingMemberMessage(spec));
  await mkdir(dirname(spec.binPath), { recursive: true, mode: 0o700 });
  await writeFile(spec.binPath, binary, { mode: 0o755 });
  await chmod(spec.binPath, 0o755);
  const sha256 = await sha256File(spec.binPath);
  await writeFile(record, `${sha256}\n`, { mode: 0o600 });
  return { path: spec.binPath, origin: downloaded ? 'downloaded' : 'cached', sha256 };
}

/**
 * A tool inside a release archive (istioctl): Istio publishes a checksum for the archive only, so
 * the binary is verified by extracting it from the verified archive (once; cached with its
 * sha256). The one on PATH is used only when its bytes equal that binary's.
 */
async function resolveFromArchive(
  spec: ToolSpec,
  deps: ToolDeps,
  log: Logger,
  signal?: AbortSignal,
): Promise<ResolvedTool> {
  const verified = await verifiedFromArchive(spec, deps, log, signal);
  const against = `binary of the verified ${spec.artifact.url.split('/').pop()}`;
  const onPath = await verifiedOnPath(spec, deps, async () => verified.sha256, against, log);
  if (onPath) return { path: onPath, origin: 'PATH' };
  return { path: verified.path, origin: verified.origin };
}

/** The pinned tool, checked by sha256 whichever way it comes: from PATH, the cache, or a download. */
export async function resolveTool(
  spec: ToolSpec,
  deps: ToolDeps,
  log: Logger,
  signal?: AbortSignal,
): Promise<ResolvedTool> {
  const resolved = spec.archiveMember
    ? await resolveFromArchive(spec, deps, log, signal)
    : await resolveBinary(spec, deps, log, signal);
  log.debug(`${describeResolvedTool(spec, resolved.origin)}: ${resolved.path}`);
  return resolved;
}
