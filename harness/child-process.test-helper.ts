import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandLine } from './exec.ts';

/**
 * A real `sleep 60` child for cancellation tests: the shell writes its pid to a file and then
 * execs sleep, so the pid read back is the sleeping process itself.
 */
export function sleepingChild(): { command: CommandLine; pid(): Promise<number> } {
  const pidFile = join(mkdtempSync(join(tmpdir(), 'kg-child-')), 'pid');
  return {
    command: { file: 'sh', args: ['-c', `echo $$ > ${pidFile}; exec sleep 60`], timeoutMs: 120_000 },
    async pid() {
      for (let i = 0; i < 500; i++) {
        const text = readOrEmpty(pidFile).trim();
        if (text) return Number(text);
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`the child never wrote its pid to ${pidFile}`);
    },
  };
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Whether a process with this pid still exists (signal 0 only checks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
