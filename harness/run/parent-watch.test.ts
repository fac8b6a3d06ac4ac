import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  ancestorsToWatch,
  brokenLink,
  stopWatchingParents,
  systemProcessTable,
  tearDownWhenAbandoned,
  watchParent,
  type ProcessTable,
} from './parent-watch.ts';

/** A process table the test edits: pid → [ppid, command]. */
function fakeTable(entries: Record<number, [number, string]>): ProcessTable & { set: typeof entries } {
  return {
    set: entries,
    parentOf: async (pid) => entries[pid]?.[0],
    commandOf: async (pid) => entries[pid]?.[1],
  };
}

describe('which ancestors are watched', () => {
  it('up to the npm process when one started kindgate (npx → sh -c → node)', async () => {
    const table = fakeTable({
      100: [90, 'node /x/.bin/kindgate up'],
      90: [80, 'sh -c kindgate up'],
      80: [70, 'npm exec kindgate up --provider sim'],
      70: [1, 'bash ci.sh'],
    });
    expect(await ancestorsToWatch(100, table)).toEqual([100, 90, 80]);
  });

  it('only the parent when no npm wrapper is near', async () => {
    const table = fakeTable({
      100: [90, 'node scripts/kindgate.js up'],
      90: [80, 'bash ci.sh'],
      80: [1, 'sshd: user'],
    });
    expect(await ancestorsToWatch(100, table)).toEqual([100, 90]);
  });

  it('nothing when the parent is init already', async () => {
    expect(await ancestorsToWatch(100, fakeTable({ 100: [1, 'node kindgate'] }))).toEqual([100]);
  });
});

describe('a broken link', () => {
  it('is a process that went away or got another parent, even when its pid is alive', async () => {
    const table = fakeTable({ 100: [90, 'node'], 90: [80, 'sh -c kindgate'], 80: [70, 'npm exec kindgate'] });
    const chain = [100, 90, 80];
    expect(await brokenLink(chain, table)).toBeUndefined();
    table.set[90] = [1, 'sh -c kindgate']; // npm died, sh was re-parented to init
    expect(await brokenLink(chain, table)).toBe('the process that started kindgate (pid 80) went away');
    table.set[100] = [1, 'node']; // sh died too
    expect(await brokenLink(chain, table)).toBe('the parent process (pid 90) went away');
  });
});

describe('watchParent', () => {
  it('calls back once when the chain breaks, and not after it was stopped', async () => {
    const table = fakeTable({ 100: [90, 'node'], 90: [80, 'bash'] });
    const gone: string[] = [];
    const stop = watchParent((why) => gone.push(why), { self: 100, intervalMs: 5, table });
    await new Promise((r) => setTimeout(r, 30));
    expect(gone).toEqual([]);
    table.set[100] = [1, 'node'];
    for (let i = 0; i < 200 && gone.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 30));
    expect(gone).toEqual(['the parent process (pid 90) went away']);
    stop();

    const quiet: string[] = [];
    const stopEarly = watchParent((why) => quiet.push(why), { self: 100, intervalMs: 5, table });
    stopEarly();
    await new Promise((r) => setTimeout(r, 30));
    expect(quiet).toEqual([]);
  });

  it("a command's watches stop when the command returns", async () => {
    const table = fakeTable({ 100: [90, 'node'], 90: [80, 'bash'] });
    const logged: string[] = [];
    tearDownWhenAbandoned((m) => logged.push(m), { self: 100, intervalMs: 5, table });
    stopWatchingParents();
    table.set[100] = [1, 'node']; // would send SIGTERM to this process if still watched
    await new Promise((r) => setTimeout(r, 50));
    expect(logged).toEqual([]);
  });

  it('reads the real process table: a child whose parent exits gets re-parented', async () => {
    // sh starts a sleeping grandchild and exits: the grandchild's link to sh breaks.
    const sh = spawn('sh', ['-c', 'sleep 30 & echo $!'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const grandchild = await new Promise<number>((resolve) =>
      sh.stdout.once('data', (d) => resolve(Number(String(d)))),
    );
    try {
      await new Promise((r) => sh.once('exit', r));
      const chain = [grandchild, sh.pid!];
      for (let i = 0; i < 50 && (await systemProcessTable.parentOf(grandchild)) === sh.pid; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(await brokenLink(chain, systemProcessTable)).toBe(`the parent process (pid ${sh.pid}) went away`);
      expect(await systemProcessTable.commandOf(grandchild)).toMatch(/sleep 30/);
      expect(await systemProcessTable.parentOf(process.pid)).toBe(process.ppid);
    } finally {
      process.kill(grandchild, 'SIGKILL');
    }
  });
});
