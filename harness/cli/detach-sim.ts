import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunOptions } from '../config/options.ts';
import { KindgateError, UsageError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { kindgateBin } from '../package-paths.ts';
import {
  createStateDir,
  DETACHED_STATE_ENV,
  readRecord,
  removeStateDir,
  type DetachedRecord,
} from '../run/detached-state.ts';
import { INTERRUPT_EXIT_CODES, onInterrupt } from '../run/interrupt.ts';
import { tearDownWhenAbandoned } from '../run/parent-watch.ts';

/**
 * `kindgate up --provider sim --detach`: the simulated cluster lives in a process, so a detached
 * one needs a process of its own. This starts `kindgate up` again as a background process (its own
 * session, stdout and stderr into a log file in the environment's record directory), waits until
 * it has recorded itself ready, prints the same lines as `up`, and returns. Until then an
 * interrupt stops the background process (which tears down), and a failure replays its log.
 */

/** The background process's stdout and stderr, in its record directory. */
export const SIM_LOG_FILE = 'up.log';

const POLL_MS = 100;

function nameTakenMessage(name: string): string {
  return (
    `A detached environment named ${name} is already recorded; stop it with \`kindgate down --name ${name}\`, ` +
    'or pass another --name.'
  );
}

/** The error for a name whose record directory exists (or cannot be made). */
export function nameTaken(options: RunOptions, error: unknown): KindgateError {
  if ((error as NodeJS.ErrnoException).code === 'EEXIST') return new UsageError(nameTakenMessage(options.clusterName));
  return new UsageError(
    `Cannot record the detached environment under ${options.cacheDir} (${(error as Error).message}); pass a writable --cache-dir.`,
  );
}

export async function startDetachedSim(argv: string[], options: RunOptions, log: Logger): Promise<number> {
  let dir: string;
  try {
    dir = await createStateDir(options.cacheDir, options.clusterName);
  } catch (error) {
    throw nameTaken(options, error);
  }
  const logPath = join(dir, SIM_LOG_FILE);
  const kubeconfig = options.kubeconfig ?? join(dir, 'kubeconfig');
  const logFd = openSync(logPath, 'a', 0o600);
  // The same command line, the name and kubeconfig made explicit (a flag given again wins).
  const args = [kindgateBin, 'up', ...argv, '--name', options.clusterName];
  if (!options.kubeconfig) args.push('--kubeconfig', kubeconfig);
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, [DETACHED_STATE_ENV]: dir },
  });
  closeSync(logFd);
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? INTERRUPT_EXIT_CODES[signal as 'SIGTERM'] ?? 1)),
  );

  // Interrupted (or abandoned) before it is ready: the background process tears down, then we exit.
  const interrupts = onInterrupt(
    async () => {
      child.kill('SIGTERM');
      await exited;
      await removeStateDir(dir);
    },
    { log: (m) => log.warn(m) },
  );
  const stopWatching = tearDownWhenAbandoned((m) => log.warn(m));
  const outcome = await Promise.race([exited.then((code) => ({ code })), readyRecord(dir, exited)]);
  stopWatching();
  if (interrupts.reason) return new Promise<number>(() => {}); // the interrupt exits
  interrupts.release();

  if ('code' in outcome) {
    // It failed before it was ready: what it said is the reason.
    process.stderr.write(await readFile(logPath, 'utf8').catch(() => ''));
    await removeStateDir(dir);
    return outcome.code;
  }
  const { record } = outcome;
  child.unref();
  process.stdout.write(
    `KUBECONFIG=${record.kubeconfig}\n${record.gatewayUrl ? `GATEWAY_URL=${record.gatewayUrl}\n` : ''}`,
  );
  log.step(`detached: pid ${child.pid} serves ${record.name}; its log: ${logPath}`);
  log.info(`stop it with: kindgate down --name ${record.name} (or --kubeconfig ${record.kubeconfig})`);
  return 0;
}

/** The record once the background process wrote it; never, if the process ends first. */
async function readyRecord(dir: string, exited: Promise<number>): Promise<{ record: DetachedRecord }> {
  let ended = false;
  void exited.then(() => (ended = true));
  for (;;) {
    const record = await readRecord(dir);
    if (record) return { record };
    if (ended) return new Promise(() => {});
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
