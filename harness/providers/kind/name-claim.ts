import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.ts';
import { identityOf, isSameProcess, type ProcessIdentity } from '../../run/process-identity.ts';
import { ensurePrivateDir } from './kubeconfig.ts';

/**
 * A kind cluster name is used by one kindgate run at a time: a run that creates the cluster (and
 * deletes it at its end) holds the name alone, as does `kindgate gc` while it deletes the cluster;
 * runs with --reuse, which neither create nor delete it, may share it with each other. Each run
 * writes an entry `<cacheDir>/claims/<name>.<id>.json` (0600 in a 0700 directory) naming its
 * process as `kindgate down` identifies one (pid, start time, command line:
 * run/process-identity.ts), and only then reads the name's other entries.
 * Of two runs that conflict, the later reader always sees the earlier writer, so they never both
 * hold the name (at worst both are refused). An entry whose process is gone is stale: a run that
 * ended without releasing (killed, or `up --detach` done) holds nothing, and it is removed.
 */

/** create: the run creates the cluster and deletes it at its end; reuse: neither; delete: `kindgate gc` deletes it. */
export type ClaimMode = 'create' | 'reuse' | 'delete';

const HOLDER_DOES: Record<ClaimMode, string> = {
  create: 'which creates the cluster and deletes it when it ends',
  reuse: 'with --reuse',
  delete: 'kindgate gc, deleting the cluster',
};

/** Only runs with --reuse share a name. */
const conflicts = (a: ClaimMode, b: ClaimMode) => a !== 'reuse' || b !== 'reuse';

export interface ClaimEntry {
  version: 1;
  cluster: string;
  mode: ClaimMode;
  process: ProcessIdentity;
  claimedAt: string;
}

export interface NameClaim {
  readonly path: string;
  /** Remove this run's entry; safe to call twice. */
  release(): Promise<void>;
}

export function claimsDir(cacheDir: string): string {
  return join(cacheDir, 'claims');
}

/** The file name pattern of `cluster`'s entries (a cluster name is a DNS label: no dots). */
const entryPattern = (cluster: string) => new RegExp(`^${cluster}\\.[0-9a-f]+\\.json$`);

function inUseMessage(cluster: string, holder: ClaimEntry): string {
  return (
    `The kind cluster name ${cluster} is in use by another kindgate run (pid ${holder.process.pid}, ${HOLDER_DOES[holder.mode]}); ` +
    'wait for that run to end, or pick another --name.'
  );
}

/** A claim refused: `holder` is the live run holding the name. */
export class NameInUseError extends UsageError {
  constructor(
    readonly cluster: string,
    readonly holder: ClaimEntry,
  ) {
    super(inUseMessage(cluster, holder));
  }
}

/** A process identity could not be read (no /proc, no ps): then the pid alone says whether it lives. */
async function isLive(owner: ProcessIdentity): Promise<boolean> {
  if (owner.startTime) return isSameProcess(owner);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readEntry(path: string): Promise<ClaimEntry | undefined> {
  try {
    const entry = JSON.parse(await readFile(path, 'utf8')) as ClaimEntry;
    return entry?.version === 1 && typeof entry.process?.pid === 'number' ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The live entries of `cluster` other than `except`, removing stale ones on the way (with
 * `removeStale`): a process that is gone never comes back, so removing its entry is safe even
 * when another run removes it at the same moment.
 */
export async function liveClaims(
  cacheDir: string,
  cluster: string,
  opts: { except?: string; removeStale: boolean },
): Promise<ClaimEntry[]> {
  const dir = claimsDir(cacheDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  const live: ClaimEntry[] = [];
  for (const name of names.filter((n) => entryPattern(cluster).test(n) && n !== opts.except)) {
    const path = join(dir, name);
    const entry = await readEntry(path);
    // An entry appears whole (written aside, then renamed): one that cannot be read is no run's.
    if (entry && (await isLive(entry.process))) live.push(entry);
    else if (opts.removeStale) await unlink(path).catch(() => undefined);
  }
  return live;
}

/** Entries this process holds, removed when it exits without releasing them (`up --detach` ends so). */
const held = new Set<string>();
let exitHook = false;

function hold(path: string): void {
  held.add(path);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const p of held) {
      try {
        unlinkSync(p);
      } catch {
        // already gone
      }
    }
  });
}

async function writeEntry(dir: string, entry: ClaimEntry): Promise<string> {
  const id = randomBytes(8).toString('hex');
  const path = join(dir, `${entry.cluster}.${id}.json`);
  // Written aside and renamed, so a reader sees the whole entry or none.
  const partial = join(dir, `.${entry.cluster}.${id}.partial`);
  const handle = await open(partial, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(entry)}\n`);
  } finally {
    await handle.close();
  }
  await rename(partial, path);
  return path;
}

/**
 * Claim `cluster` for this run, before anything is created: refused (exit 2) while another live
 * run holds it in a conflicting mode. The caller releases it once the run's cluster is gone.
 */
export async function claimClusterName(cacheDir: string, cluster: string, mode: ClaimMode): Promise<NameClaim> {
  const dir = claimsDir(cacheDir);
  await ensurePrivateDir(dir);
  const owner = (await identityOf(process.pid)) ?? { pid: process.pid, startTime: '', command: '' };
  const path = await writeEntry(dir, {
    version: 1,
    cluster,
    mode,
    process: owner,
    claimedAt: new Date().toISOString(),
  });
  hold(path);
  const release = async () => {
    held.delete(path);
    await unlink(path).catch(() => undefined);
  };
  const others = await liveClaims(cacheDir, cluster, { except: path.slice(dir.length + 1), removeStale: true });
  const conflict = others.find((other) => conflicts(mode, other.mode));
  if (conflict) {
    await release();
    throw new NameInUseError(cluster, conflict);
  }
  return { path, release };
}
