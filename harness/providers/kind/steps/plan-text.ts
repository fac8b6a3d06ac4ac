import { formatCommand, type CommandLine } from '../../../exec.ts';
import type { Artifact } from '../tools/artifact.ts';

/** `$ kind create cluster …`: a command as the plan shows it. */
export const shell = (c: Pick<CommandLine, 'file' | 'args'>) => `$ ${formatCommand(c)}`;

/** A timeout in the plan, in whole seconds. */
export const secs = (ms: number) => `${Math.round(ms / 1000)} s`;

/** `kindgate.relay=kindgate-x`: labels as a docker filter shows them. */
export const labelList = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** A download: URL, how it is verified, where the verified copy is kept. */
export function artifactLines(a: Artifact, indent: string): string[] {
  return [
    `${indent}GET ${a.url}${a.bytes ? ` (${a.bytes.toLocaleString('en-US')} bytes)` : ''}`,
    a.sha256 ? `${indent}  sha256 ${a.sha256}` : `${indent}  sha256 from ${a.checksumUrl} (published beside it)`,
    `${indent}  verified copy: ${a.cachePath} (reused when its sha256 still matches)`,
  ];
}
