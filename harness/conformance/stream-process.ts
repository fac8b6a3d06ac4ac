import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { EnvironmentError } from '../errors.ts';
import type { CommandLine } from '../exec.ts';

/**
 * Run a long command (the upstream suite), writing its stdout and stderr, line by line as they
 * arrive, to a log file and to `onLine`. Unlike runCommand it keeps nothing in memory: a full
 * upstream run prints tens of thousands of lines.
 */
export interface StreamedRun {
  /** Resolves with the exit code (a signal counts as 128+n). */
  done: Promise<number>;
  /** Stop it (SIGTERM); resolves `done`. */
  kill(): void;
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function streamProcess(
  command: CommandLine,
  logFile: string,
  onLine: (line: string) => void,
  cwd?: string,
): StreamedRun {
  const out = createWriteStream(logFile, { flags: 'a', mode: 0o644 });
  const child = spawn(command.file, command.args, {
    cwd,
    env: { ...process.env, ...command.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: command.timeoutMs || undefined,
    killSignal: 'SIGTERM',
  });
  const split = (stream: NodeJS.ReadableStream) => {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      out.write(chunk);
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    stream.on('end', () => {
      if (pending) onLine(pending);
      pending = '';
    });
  };
  split(child.stdout);
  split(child.stderr);
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      out.end();
      reject(
        error.code === 'ENOENT'
          ? new EnvironmentError(`\`${command.file}\` was not found on PATH; install it, or choose the other --runner.`)
          : error,
      );
    });
    child.on('close', (code, signal) => {
      out.end(() => resolve(code ?? 128 + (SIGNALS[signal ?? ''] ?? 1)));
    });
  });
  return {
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
