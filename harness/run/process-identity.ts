import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

/**
 * Who a pid is: its start time and command line. A pid alone says nothing once its process is
 * gone (the number is reused); recorded with these, `kindgate down` signals a process only if it
 * is still the very one kindgate started.
 */
export interface ProcessIdentity {
  pid: number;
  /** Linux: clock ticks after boot (/proc/<pid>/stat field 22); elsewhere `ps -o lstart`. */
  startTime: string;
  command: string;
}

const run = promisify(execFile);

/** The identity of a running process, or undefined when there is none with that pid. */
export async function identityOf(pid: number): Promise<ProcessIdentity | undefined> {
  if (process.platform === 'linux') {
    const [stat, cmdline] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined),
      readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined),
    ]);
    if (!stat || cmdline === undefined) return undefined;
    // After the command name (which may hold spaces and parentheses) come fields 3…: starttime is 22.
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const command = cmdline.replace(/\0+$/, '').replace(/\0/g, ' ');
    return startTime ? { pid, startTime, command } : undefined;
  }
  const out = await run('ps', ['-o', 'lstart=,command=', '-p', String(pid)]).catch(() => undefined);
  const line = out?.stdout.trim();
  // lstart is fixed-width: `Mon Nov 30 01:28:00 2026` (24 characters).
  return line ? { pid, startTime: line.slice(0, 24), command: line.slice(24).trim() } : undefined;
}

/** Whether `pid` still is the process `recorded` describes. */
export async function isSameProcess(recorded: ProcessIdentity): Promise<boolean> {
  const now = await identityOf(recorded.pid);
  return now !== undefined && now.startTime === recorded.startTime && now.command === recorded.command;
}
