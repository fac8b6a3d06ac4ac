import { EnvironmentError } from '../errors.ts';
import type { CommandLine, RunCommand } from '../exec.ts';
import type { Logger } from '../log.ts';
import { pins } from '../pins.ts';

/**
 * `--runner local` builds the suite with the `go` on PATH. GOTOOLCHAIN=local everywhere: an older
 * Go must fail with our sentence, not download a toolchain behind the user's back.
 */
export const goVersionCommand: CommandLine = {
  file: 'go',
  args: ['env', 'GOVERSION'],
  timeoutMs: 30_000,
  env: { GOTOOLCHAIN: 'local' },
};

/** `go1.26.8`, `go1.26rc1`, `go1.26` → [1, 26, 8]; undefined for a development build. */
export function parseGoVersion(text: string): [number, number, number] | undefined {
  const match = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

export function atLeast(version: [number, number, number], minimum: string): boolean {
  const min = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (version[i] !== (min[i] ?? 0)) return version[i] > (min[i] ?? 0);
  }
  return true;
}

function goMissingMessage(): string {
  return `\`go\` was not found on PATH, and --runner local builds the upstream suite with it; install Go >= ${pins.conformance.goMinimum} (https://go.dev/dl/), or drop --runner local to use the runner container.`;
}

function goTooOldMessage(found: string): string {
  return `\`go\` on PATH is ${found}, but the upstream suite ${pins.gatewayApi.version} needs Go >= ${pins.conformance.goMinimum}; install a newer Go (https://go.dev/dl/), or drop --runner local to use the runner container.`;
}

/** Exit 3 with one sentence when `go` is missing or older than the suite's go.mod asks. Returns the version. */
export async function checkGo(run: RunCommand, log: Logger): Promise<string> {
  let output: string;
  try {
    output = (await run(goVersionCommand, log)).stdout.trim();
  } catch (error) {
    if ((error as { reason?: string }).reason === 'not-found') throw new EnvironmentError(goMissingMessage());
    throw new EnvironmentError(
      `\`go env GOVERSION\` failed (${(error as Error).message.replace(/\.$/, '')}); check the Go installation on PATH, or drop --runner local.`,
    );
  }
  const version = parseGoVersion(output);
  // A development build (devel go1.27-…) is newer than any release it could be compared with.
  if (version && !atLeast(version, pins.conformance.goMinimum)) throw new EnvironmentError(goTooOldMessage(output));
  return output;
}
