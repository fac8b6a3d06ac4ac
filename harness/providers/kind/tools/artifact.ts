import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '../../../log.ts';
import { ChecksumMismatchError, parseChecksumFile, sha256File } from './checksum.ts';
import type { Downloader } from './download.ts';

/** A pinned download: where it comes from, how it is verified, where the verified copy is kept. */
export interface Artifact {
  url: string;
  /** Pinned sha256; when absent, `checksumUrl` (published beside the artifact) gives it. */
  sha256?: string;
  checksumUrl?: string;
  bytes?: number;
  /** Verified copy in the cache directory. */
  cachePath: string;
}

const DOWNLOAD_TIMEOUT_MS = 300_000;
const CHECKSUM_TIMEOUT_MS = 60_000;

/** A verified local copy; `downloaded` says whether it was fetched now or found in the cache. */
export interface VerifiedArtifact {
  path: string;
  sha256: string;
  downloaded: boolean;
}

/**
 * The sha256 the artifact must have: the pinned one; else the one recorded when the cached copy
 * was verified; else the checksum file published beside it (fetched).
 */
export async function pinnedSha256(artifact: Artifact, download: Downloader, signal?: AbortSignal): Promise<string> {
  if (artifact.sha256) return artifact.sha256;
  const record = `${artifact.cachePath}.sha256`;
  if (existsSync(artifact.cachePath) && existsSync(record)) return (await readFile(record, 'utf8')).trim();
  const name = basename(new URL(artifact.url).pathname);
  const text = await download.text(artifact.checksumUrl!, CHECKSUM_TIMEOUT_MS, signal);
  return parseChecksumFile(text, name, artifact.checksumUrl!);
}

/**
 * Return a verified local copy: reuse the cache when its hash still matches, otherwise download to
 * a temporary file, verify, and only then move it into place. A mismatch deletes the download.
 * `<cachePath>.sha256` records the verified hash (needed when the hash came from a checksum file).
 */
export async function ensureArtifact(
  artifact: Artifact,
  download: Downloader,
  log: Logger,
  signal?: AbortSignal,
): Promise<VerifiedArtifact> {
  const record = `${artifact.cachePath}.sha256`;
  if (existsSync(artifact.cachePath) && existsSync(record)) {
    const expected = artifact.sha256 ?? (await readFile(record, 'utf8')).trim();
    const actual = await sha256File(artifact.cachePath);
    if (actual === expected) {
      log.debug(`cached ${artifact.cachePath} (sha256 ${actual})`);
      return { path: artifact.cachePath, sha256: actual, downloaded: false };
    }
    log.warn(`cached ${artifact.cachePath} no longer matches its sha256; downloading it again`);
    await rm(artifact.cachePath, { force: true });
  }
  const name = basename(new URL(artifact.url).pathname);
  const expected = await pinnedSha256(artifact, download, signal);
  await mkdir(dirname(artifact.cachePath), { recursive: true, mode: 0o700 });
  const partial = `${artifact.cachePath}.partial-${process.pid}`;
  log.debug(`downloading ${artifact.url}`);
  try {
    const { sha256 } = await download.toFile(artifact.url, partial, DOWNLOAD_TIMEOUT_MS, signal);
    if (sha256 !== expected) throw new ChecksumMismatchError(name, expected, sha256, artifact.url);
    await rename(partial, artifact.cachePath);
    await writeFile(record, `${expected}\n`, { mode: 0o600 });
    return { path: artifact.cachePath, sha256, downloaded: true };
  } finally {
    await rm(partial, { force: true });
  }
}
