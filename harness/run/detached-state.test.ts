import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createStateDir,
  listRecords,
  matching,
  readRecord,
  sha256,
  undoKubeconfig,
  writeRecord,
  type DetachedRecord,
} from './detached-state.ts';
import { identityOf, isSameProcess } from './process-identity.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

function record(name: string, kubeconfig: string, extra: Partial<DetachedRecord> = {}): DetachedRecord {
  return {
    version: 1,
    name,
    provider: 'sim',
    kubeconfig,
    kubeconfigCreated: true,
    ports: [],
    startedAt: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

describe('detached environment records', () => {
  it('live owner-only under <cache>/detached/<name>, one name once', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-records-'));
    const dir = await createStateDir(cache, 'kindgate-a');
    expect(dir).toBe(join(cache, 'detached', 'kindgate-a'));
    expect([mode(join(cache, 'detached')), mode(dir)]).toEqual([0o700, 0o700]);
    await writeRecord(dir, record('kindgate-a', '/tmp/a'));
    expect(mode(join(dir, 'state.json'))).toBe(0o600);
    expect(await readRecord(dir)).toMatchObject({ name: 'kindgate-a', kubeconfig: '/tmp/a' });
    await expect(createStateDir(cache, 'kindgate-a')).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('are found by kubeconfig (any spelling of the path) or name; unreadable ones are skipped', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'kg-records-'));
    await writeRecord(await createStateDir(cache, 'kindgate-a'), record('kindgate-a', '/tmp/x/a'));
    await writeRecord(await createStateDir(cache, 'kindgate-b'), record('kindgate-b', '/tmp/x/b'));
    const broken = await createStateDir(cache, 'kindgate-c');
    writeFileSync(join(broken, 'state.json'), '{not json');
    const all = await listRecords(cache);
    expect(all.map((r) => r.record.name)).toEqual(['kindgate-a', 'kindgate-b']);
    expect(matching(all, { kubeconfig: '/tmp/x/../x/b' }).map((r) => r.record.name)).toEqual(['kindgate-b']);
    expect(matching(all, { name: 'kindgate-a' }).map((r) => r.record.name)).toEqual(['kindgate-a']);
    expect(matching(all, { name: 'kindgate-z' })).toEqual([]);
    expect(await listRecords(join(cache, 'nowhere'))).toEqual([]);
  });

  it('undo a kubeconfig only while it holds what kindgate wrote: delete the file it created, empty the one it was given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-records-kc-'));
    const file = join(dir, 'kubeconfig');
    const created = record('kindgate-a', file, { kubeconfigSha256: sha256('ours') });
    writeFileSync(file, 'theirs now');
    expect(await undoKubeconfig(created)).toBe('left');
    expect(readFileSync(file, 'utf8')).toBe('theirs now');
    writeFileSync(file, 'ours');
    expect(await undoKubeconfig({ ...created, kubeconfigCreated: false })).toBe('emptied');
    expect(readFileSync(file, 'utf8')).toBe('');
    writeFileSync(file, 'ours');
    expect(await undoKubeconfig(created)).toBe('deleted');
    expect(() => statSync(file)).toThrow();
    expect(await undoKubeconfig(created)).toBe('left');
  });
});

describe('process identity', () => {
  it('is the pid, start time and command line; a pid that ended (or was reused) is not the same process', async () => {
    const me = await identityOf(process.pid);
    expect(me).toMatchObject({ pid: process.pid, command: expect.stringContaining('node') });
    expect(await isSameProcess(me!)).toBe(true);
    expect(await isSameProcess({ ...me!, startTime: `${me!.startTime}0` })).toBe(false);
    const child = spawn('sleep', ['30']);
    const its = (await identityOf(child.pid!))!;
    expect(its.command).toBe('sleep 30');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(await isSameProcess(its)).toBe(false);
    expect(await identityOf(2 ** 22 + 12345)).toBeUndefined();
  });
});
