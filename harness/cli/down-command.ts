import { parseDownOptions, type DownOptions } from '../config/down-options.ts';
import { createLogger, type Logger } from '../log.ts';
import { listRecords, matching, removeStateDir, undoKubeconfig, type DetachedRecord } from '../run/detached-state.ts';
import { isSameProcess } from '../run/process-identity.ts';

/**
 * `kindgate down`: stop what `kindgate up --detach` left running, found by its record (by
 * --kubeconfig, --name, or --all of them). A sim's background process is signalled only while it
 * still is the process kindgate recorded (same pid, start time and command line): it tears its
 * environment down itself. A kind cluster is deleted as recorded. Nothing else is touched.
 */

/** How long a background process gets to tear down after SIGTERM. */
const STOP_TIMEOUT_MS = 60_000;

function nothingMessage(options: DownOptions): string {
  if (options.kubeconfig) return `no detached environment uses kubeconfig ${options.kubeconfig}`;
  if (options.name) return `no detached environment is named ${options.name}`;
  return `no detached environment is recorded under ${options.cacheDir}`;
}

export async function downCommand(argv: string[]): Promise<number> {
  const options = parseDownOptions(argv);
  const log = createLogger({ verbose: options.verbose });
  const records = await listRecords(options.cacheDir);
  const chosen = options.all ? records : matching(records, options);
  if (chosen.length === 0) {
    log.info(`nothing to remove: ${nothingMessage(options)}`);
    return 0;
  }
  let failed = 0;
  for (const { dir, record } of chosen) {
    try {
      if (record.provider === 'kind') {
        // kind's cluster and relays go through the engine's CLI: loaded only for such a record.
        const { downKind, kindDeps } = await import('./down-kind.ts');
        await downKind(record, kindDeps(options.cacheDir, log), log);
      } else {
        await stopBackgroundProcess(record, log);
        await undoKubeconfig(record); // the process undid it, unless it died first
      }
      await removeStateDir(dir);
    } catch (error) {
      failed++;
      log.fail(`${record.name}: ${(error as Error).message}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

/** SIGTERM to the recorded process (only if it still is that process), then wait for it to end. */
async function stopBackgroundProcess(record: DetachedRecord, log: Logger): Promise<void> {
  const proc = record.process;
  if (!proc || !(await isSameProcess(proc))) {
    log.warn(
      `${record.name}: its process${proc ? ` (pid ${proc.pid})` : ''} is no longer running; removing what it left`,
    );
    return;
  }
  const started = performance.now();
  process.kill(proc.pid, 'SIGTERM');
  while (await isSameProcess(proc)) {
    if (performance.now() - started > STOP_TIMEOUT_MS)
      throw new Error(
        `process ${proc.pid} did not end within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; its log: ${record.log}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
  log.step(`${record.name} stopped (pid ${proc.pid})`, (performance.now() - started) / 1000);
}
