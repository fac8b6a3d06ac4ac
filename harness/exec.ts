import { SetupError } from './errors.ts';
import { secondsOf, type Logger } from './log.ts';

/**
 * External commands: argument arrays (never a shell string), a timeout, output streamed to the
 * run log (debug), and errors that carry the command, the exit code and the tail of stderr.
 */
export interface CommandLine {
  file: string;
  args: string[];
  timeoutMs: number;
  /** Extra environment variables (merged over process.env). */
  env?: Record<string, string>;
  /** Text written to stdin. */
  input?: string;
  /** stdout holds a secret (a kubeconfig): never copied to the log. */
  secretStdout?: boolean;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunCommandOptions {
  /** Aborting it stops the command (SIGTERM, then SIGKILL after execa's 5 s) and fails it as 'canceled'. */
  signal?: AbortSignal;
}

export type RunCommand = (command: CommandLine, log?: Logger, options?: RunCommandOptions) => Promise<CommandResult>;

/** A command that could not run or exited non-zero; a SetupError (exit 4) unless rethrown. */
export class CommandError extends SetupError {
  constructor(
    readonly command: string,
    readonly status: number | undefined,
    readonly stderrTail: string,
    readonly reason: 'exit' | 'timeout' | 'not-found' | 'spawn' | 'canceled',
    message: string,
  ) {
    super(message);
  }
}

const SAFE = /^[\w@%+=:,./-]+$/;

/** `kind create cluster --name 'a b'`: for logs and the dry-run plan (POSIX quoting). */
export function formatCommand(command: Pick<CommandLine, 'file' | 'args'>): string {
  return [command.file, ...command.args]
    .map((part) => (SAFE.test(part) ? part : `'${part.replaceAll("'", `'\\''`)}'`))
    .join(' ');
}

export function tail(text: string, lines = 8): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n').trim();
}

function timeoutMessage(shown: string, timeoutMs: number, stderr: string): string {
  const why = stderr ? `: ${tail(stderr, 3)}` : '';
  return `\`${shown}\` did not finish within ${secondsOf(timeoutMs)} s${why}; check the command's output above (--verbose) and retry.`;
}

function canceledMessage(shown: string, reason: unknown): string {
  const why = reason instanceof Error ? reason.message : String(reason ?? 'aborted');
  return `\`${shown}\` was stopped before it finished (${why.replace(/\.$/, '')}).`;
}

export const runCommand: RunCommand = async (command, log, options = {}) => {
  const shown = formatCommand(command);
  log?.debug(`$ ${shown}`);
  // Loaded with the first command: `kindgate down` with nothing to stop, or a --dry-run, runs none.
  const { execa } = await import('execa');
  const child = execa(command.file, command.args, {
    timeout: command.timeoutMs,
    env: command.env,
    input: command.input,
    reject: false,
    stripFinalNewline: false,
    cancelSignal: options.signal,
  });
  // Stream both outputs to the run log line by line as they arrive.
  const forward = (stream: NodeJS.ReadableStream | null | undefined) => {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) log?.debug(`  ${line}`);
    });
    stream?.on('end', () => pending && log?.debug(`  ${pending}`));
  };
  if (log) {
    if (!command.secretStdout) forward(child.stdout);
    forward(child.stderr);
  }
  const result = await child;
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  if (result.isCanceled) {
    throw new CommandError(shown, undefined, tail(stderr), 'canceled', canceledMessage(shown, options.signal?.reason));
  }
  if (result.timedOut) {
    throw new CommandError(shown, undefined, tail(stderr), 'timeout', timeoutMessage(shown, command.timeoutMs, stderr));
  }
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT') {
    throw new CommandError(
      shown,
      undefined,
      '',
      'not-found',
      `\`${command.file}\` was not found on PATH; install it or let kindgate download its pinned version.`,
    );
  }
  if (result.exitCode === undefined) {
    throw new CommandError(shown, undefined, tail(stderr), 'spawn', `\`${shown}\` could not run: ${result.message}.`);
  }
  if (result.exitCode !== 0) {
    const why = tail(stderr) || tail(stdout);
    throw new CommandError(
      shown,
      result.exitCode,
      why,
      'exit',
      `\`${shown}\` exited with code ${result.exitCode}${why ? `: ${why}` : ''}`,
    );
  }
  return { stdout, stderr, exitCode: 0 };
};
