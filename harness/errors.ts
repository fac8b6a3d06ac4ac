/**
 * Errors a user can cause carry an exit code and one sentence: what, where, how to fix.
 * The CLI prints `message` alone (no stack) unless KINDGATE_DEBUG is set.
 */
export const ExitCode = {
  ok: 0,
  suiteFailed: 1,
  usage: 2,
  environment: 3,
  setup: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class KindgateError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags, bad config file, bad fixture directory: exit 2. */
export class UsageError extends KindgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

/** The machine cannot run this (no docker, no network, unsupported platform): exit 3. */
export class EnvironmentError extends KindgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.environment, options);
  }
}

/** Provisioning started and then failed (cluster, install, fixtures never ready): exit 4. */
export class SetupError extends KindgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.setup, options);
  }
}

/** A wait that ran out of time; the message names the object and its last seen state. */
export class WaitTimeoutError extends SetupError {}

/**
 * Anything that goes wrong once provisioning started is a setup failure unless it says otherwise.
 * `sentence` turns the cause's message into the user's sentence (default: "Setup failed: …").
 */
export function asSetupError(
  error: unknown,
  sentence: (message: string) => string = (m) => `Setup failed: ${m}`,
): KindgateError {
  if (error instanceof KindgateError) return error;
  return new SetupError(sentence((error as Error)?.message ?? String(error)), { cause: error });
}
