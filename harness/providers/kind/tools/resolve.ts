import { constants, existsSync } from 'node:fs';
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import type { RunCommand } from '../../../exec.ts';
import { SetupError } from '../../../errors.ts';
import type { Logger } from '../../../log.ts';
import { ensureArtifact, type Artifact } from './artifact.ts';
import { sha256File } from './checksum.ts';
import type { Downloader } from './download.ts';
import { extractFromTarGz } from './tar.ts';

export type ToolName = 'kind' | 'istioctl';

/** How one pinned tool is found or fetched; built by the plan, executed by resolveTool. */
export interface ToolSpec {
  name: ToolName;
  /** Pinned version as the tool prints it (`v0.33.0` for kind, `1.31.0` for istioctl). */
  version: string;
  /** Arguments that print the version (`kind version`; `istioctl version --remote=false --short`). */
  versionArgs: string[];
  artifact: Artifact;
  /** Member of a tar.gz artifact that is the binary; absent when the artifact is the binary. */
  archiveMember?: string;
  /** Where the verified, executable binary lives in the cache. */
  binPath: string;
}

export interface ToolDeps {
  run: RunCommand;
  download: Downloader;
  /** Absolute path of `name` on PATH, if any. */
  which(name: string): Promise<string | undefined>;
}

/**
 * Version lines: kind prints `kind v0.33.0 go1.24.6 linux/amd64` (kind pkg/cmd/kind/version:
 * "kind v" + Version() + " " + runtime.Version() + " " + GOOS/GOARCH); istioctl prints
 * `client version: 1.31.0` (istio pkg/version/cobra.go, --short, --remote=false).
 */
export function parseToolVersion(name: ToolName, stdout: string): string | undefined {
  const pattern = name === 'kind' ? /\bkind (v\d+\.\d+\.\d+\S*)/ : /client version:\s*(\d+\.\d+\.\d+\S*)/;
  return (
    stdout.match(pattern)?.[1] ?? (name === 'istioctl' ? stdout.trim().match(/^(\d+\.\d+\.\d+\S*)$/m)?.[1] : undefined)
  );
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

/** The tool on PATH when it prints the pinned version; otherwise undefined (and why, in `note`). */
export async function pinnedOnPath(
  spec: ToolSpec,
  deps: Pick<ToolDeps, 'run' | 'which'>,
  log?: Logger,
): Promise<{ path?: string; note?: string }> {
  const onPath = await deps.which(spec.name);
  if (!onPath) return {};
  const found = await deps
    .run({ file: onPath, args: spec.versionArgs, timeoutMs: 30_000 }, log)
    .then((r) => parseToolVersion(spec.name, r.stdout))
    .catch(() => undefined);
  if (found === spec.version) return { path: onPath };
  return {
    note: `${spec.name} on PATH (${onPath}) is ${found ?? 'of unknown version'}, not the pinned ${spec.version}; using the pinned release`,
  };
}

/** True when a verified copy of the tool is already in the cache (no download needed). */
export function toolCached(spec: ToolSpec): boolean {
  return existsSync(spec.binPath) && existsSync(`${spec.binPath}.sha256`);
}

/** The tool on PATH at the pinned version, else a cached verified copy, else a verified download. */
export async function resolveTool(spec: ToolSpec, deps: ToolDeps, log: Logger): Promise<string> {
  const onPath = await pinnedOnPath(spec, deps, log);
  if (onPath.path) {
    log.debug(`${spec.name} ${spec.version} from PATH (${onPath.path})`);
    return onPath.path;
  }
  if (onPath.note) log.info(onPath.note);
  if (!spec.archiveMember) {
    const { path } = await ensureArtifact(spec.artifact, deps.download, log);
    await chmod(path, 0o755);
    return path;
  }
  const record = `${spec.binPath}.sha256`;
  if (
    existsSync(spec.binPath) &&
    existsSync(record) &&
    (await readFile(record, 'utf8')).trim() === (await sha256File(spec.binPath))
  ) {
    return spec.binPath;
  }
  const { path: archive } = await ensureArtifact(spec.artifact, deps.download, log);
  const binary = extractFromTarGz(await readFile(archive), spec.archiveMember);
  if (!binary) {
    throw new SetupError(
      `The verified archive ${spec.artifact.url} has no ${spec.archiveMember}; report this, and meanwhile put ${spec.name} ${spec.version} on PATH.`,
    );
  }
  await mkdir(dirname(spec.binPath), { recursive: true, mode: 0o700 });
  await writeFile(spec.binPath, binary, { mode: 0o755 });
  await chmod(spec.binPath, 0o755);
  await writeFile(record, `${await sha256File(spec.binPath)}\n`, { mode: 0o600 });
  return spec.binPath;
}
