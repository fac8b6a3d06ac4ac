import { readFileSync } from 'node:fs';
import { ExitCode, KindgateError } from '../errors.ts';
import { terminalSentence } from './error-text.ts';
import { commandHelp, commands, usage } from './help.ts';
import { stopWatchingParents } from '../run/parent-watch.ts';
import { removeRunTempDir } from '../run/temp-dir.ts';

// Commands load lazily: `--help` and usage errors should not pay for the Kubernetes client.
const run: Record<keyof typeof commands, (argv: string[]) => Promise<number>> = {
  test: async (argv) => (await import('./test-command.ts')).testCommand(argv),
  up: async (argv) => (await import('./up-command.ts')).upCommand(argv),
  gc: async (argv) => (await import('./gc-command.ts')).gcCommand(argv),
  conformance: async (argv) => (await import('./conformance-command.ts')).conformanceCommand(argv),
  down: async (argv) => (await import('./down-command.ts')).downCommand(argv),
};

/** Entry point of the `kindgate` bin; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const topic = rest[0] as keyof typeof commands | undefined;
    process.stdout.write(`${topic && topic in commands ? commandHelp(topic) : usage()}\n`);
    return command === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (command === '--version' || command === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return ExitCode.ok;
  }
  if (!(command in run)) {
    process.stderr.write(
      `kindgate: unknown command ${terminalSentence(JSON.stringify(command))}; use one of ${Object.keys(run).join(', ')} (see kindgate --help).\n`,
    );
    return ExitCode.usage;
  }
  const name = command as keyof typeof commands;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${commandHelp(name)}\n`);
    return ExitCode.ok;
  }
  try {
    return await run[name](rest);
  } catch (error) {
    return report(error, rest.includes('--verbose') || Boolean(process.env.KINDGATE_DEBUG));
  } finally {
    // The run's temporary files and parent watch go with the command (the process may live on: tests call main()).
    removeRunTempDir();
    stopWatchingParents();
  }
}

/** One sentence for errors a user can cause; the stack only when asked for. */
function report(error: unknown, verbose: boolean): number {
  const known = error instanceof KindgateError;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`kindgate: ${terminalSentence(message)}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else if (!known)
    process.stderr.write(
      'kindgate: this looks like a bug in kindgate; run again with --verbose and report the stack trace.\n',
    );
  return known ? error.exitCode : ExitCode.suiteFailed;
}
