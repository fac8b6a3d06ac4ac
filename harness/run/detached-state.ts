import { createHash } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, rm, truncate } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ProcessIdentity } from './process-identity.ts';

/**
 * The records of environments `kindgate up --detach` left running, one directory each under the
 * cache dir: `<cacheDir>/detached/<name>/` (0700) holds `state.json` (0600), and for the sim the
 * background process's log and, without --kubeconfig, its kubeconfig. `kindgate down` finds an
 * environment here by kubeconfig or name and removes only what its record says kindgate made.
 */

export const RECORD_FILE = 'state.json';

/** Tells the background `kindgate up` of a detached sim where its record goes (and that it is the background process). */
export const DETACHED_STATE_ENV = 'KINDGATE_DETACHED_STATE';

export interface DetachedRecord {
  version: 1;
  name: string;
  provider: 'sim' | 'kind';
  kubeconfig: string;
  /** kindgate created this kubeconfig file (else the user gave it empty: down empties it again). */
  kubeconfigCreated: boolean;
  /** sha256 of the kubeconfig as kindgate wrote it. */
  kubeconfigSha256?: string;
  gatewayUrl?: string;
  apiServer?: string;
  /** Loopback ports the environment serves (API server, Gateway listeners). */
  ports: number[];
  startedAt: string;
  /** sim: the background process serving the environment. */
  process?: ProcessIdentity;
  /** sim: where the background process logs. */
  log?: string;
  /** kind: what to delete. */
  kind?: { cluster: string; engine: string; relayLabel: Record<string, string> };
}

export function detachedRoot(cacheDir: string): string {
  return join(cacheDir, 'detached');
}

export function stateDirOf(cacheDir: string, name: string): string {
  return join(detachedRoot(cacheDir), name);
}

/** Create the environment's directory, owner-only; an existing one means the name is taken. */
export async function createStateDir(cacheDir: string, name: string): Promise<string> {
  const root = detachedRoot(cacheDir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  await chmod(root, 0o700);
  const dir = stateDirOf(cacheDir, name);
  await mkdir(dir, { mode: 0o700 }); // EEXIST: another environment has this name
  return dir;
}

/** Write the record (0600) in one step: a reader sees the whole record or none. */
export async function writeRecord(dir: string, record: DetachedRecord): Promise<void> {
  const partial = join(dir, `.${RECORD_FILE}.${process.pid}`);
  const handle = await open(partial, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`);
  } finally {
    await handle.close();
  }
  await rename(partial, join(dir, RECORD_FILE));
}

export async function readRecord(dir: string): Promise<DetachedRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(join(dir, RECORD_FILE), 'utf8')) as DetachedRecord;
    return record?.version === 1 && typeof record.name === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Every recorded environment, with its directory. */
export async function listRecords(cacheDir: string): Promise<{ dir: string; record: DetachedRecord }[]> {
  const root = detachedRoot(cacheDir);
  const names = await readdir(root).catch(() => [] as string[]);
  const found: { dir: string; record: DetachedRecord }[] = [];
  for (const name of names.sort()) {
    const dir = join(root, name);
    const record = await readRecord(dir);
    if (record) found.push({ dir, record });
  }
  return found;
}

/** Records matching `--kubeconfig` (same resolved path) or `--name`. */
export function matching(
  records: { dir: string; record: DetachedRecord }[],
  by: { kubeconfig?: string; name?: string },
): { dir: string; record: DetachedRecord }[] {
  return records.filter(
    ({ record }) =>
      (by.kubeconfig !== undefined && resolve(record.kubeconfig) === resolve(by.kubeconfig)) ||
      (by.name !== undefined && record.name === by.name),
  );
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Whether the recorded kubeconfig still holds what kindgate wrote into it: only then may `down`
 * undo it. A file someone replaced or edited since is theirs now.
 */
export async function holdsWhatKindgateWrote(record: DetachedRecord): Promise<boolean> {
  if (!record.kubeconfigSha256) return false;
  const text = await readFile(record.kubeconfig, 'utf8').catch(() => undefined);
  return text !== undefined && sha256(text) === record.kubeconfigSha256;
}

/**
 * Undo what kindgate did to the kubeconfig, as the run's own teardown would: a file it created is
 * deleted, an empty file the user gave it is emptied again; only while it holds what kindgate
 * wrote (`owned`: checked earlier, before something like `kind delete` edited it).
 */
export async function undoKubeconfig(record: DetachedRecord, owned?: boolean): Promise<'deleted' | 'emptied' | 'left'> {
  if (!(owned ?? (await holdsWhatKindgateWrote(record)))) return 'left';
  if (record.kubeconfigCreated) {
    await rm(record.kubeconfig, { force: true });
    return 'deleted';
  }
  await truncate(record.kubeconfig, 0);
  return 'emptied';
}

export async function removeStateDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
