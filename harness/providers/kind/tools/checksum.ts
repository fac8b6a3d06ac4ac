import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { SetupError } from '../../../errors.ts';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function sha256Text(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A hash mismatch is an error, never a warning; it names the file, expected and actual. */
export class ChecksumMismatchError extends SetupError {
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
    source: string,
  ) {
    super(
      `Checksum mismatch for ${file} (from ${source}): expected sha256 ${expected}, got ${actual}; ` +
        'the download is corrupt or was tampered with, so it was deleted and not run — retry, and report it if it persists.',
    );
  }
}

export function checkSha256(file: string, source: string, expected: string, actual: string): void {
  if (expected.toLowerCase() !== actual.toLowerCase())
    throw new ChecksumMismatchError(file, expected.toLowerCase(), actual, source);
}

/**
 * A published checksum file: kind's `.sha256sum` (`shasum -a 256 f > f.sha256sum`, kind
 * hack/release/build/cross.sh) and Istio's `.sha256` are both `<hex>  <name>` lines. With several
 * lines, the one naming `fileName` wins.
 */
export function parseChecksumFile(text: string, fileName: string, source: string): string {
  const entries = text
    .split('\n')
    .map((line) => line.trim().match(/^([0-9a-fA-F]{64})(?:\s+\*?(.+))?$/))
    .filter((m): m is RegExpMatchArray => m !== null);
  const named = entries.find((m) => m[2] !== undefined && m[2].split('/').pop() === fileName);
  const chosen = named ?? (entries.length === 1 ? entries[0] : undefined);
  if (!chosen)
    throw new SetupError(
      `The checksum file ${source} has no sha256 for ${fileName}; retry later, or download the tool yourself and put it on PATH.`,
    );
  return chosen[1].toLowerCase();
}
