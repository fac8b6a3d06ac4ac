// The harness compiled to JavaScript, kept in a cache, so a run loads it natively instead of
// through tsx's loader hooks: those run on a thread of their own that every module's resolve and
// load crosses, about a third of a sim run's start-up CPU. Plain JavaScript: it runs before any
// TypeScript can be loaded.
//
// The cache is <tmpdir>/kindgate-harness-<uid>, beside tsx's and Node's own caches: one directory
// per build, named by a hash of everything the build read, and one pointer per checkout naming its
// current build. A build is used only when every file it was made from (the sources, the builder,
// the package.json of every library it names or bundles) still has the content it had (read and
// hashed on each start-up, ~6 ms) and every file it wrote is still there (TMPDIR cleaners), so an
// edited source, a removed file or another dependency version means a new build, never a stale
// run. Anything unexpected (a cache directory another user could write, a failed build) means the
// run loads the sources through tsx as before.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageRoot = fileURLToPath(new URL('../', import.meta.url));

/** The cache's directory: this user's, under TMPDIR (tests give each run its own TMPDIR and link this in). */
export function harnessCacheDir() {
  return join(tmpdir(), `kindgate-harness-${process.geteuid?.() ?? 0}`);
}

/** The pointer file of this checkout: several checkouts (clones, worktrees) share one cache. */
export function pointerName(root = packageRoot) {
  return `checkout-${sha256(root).slice(0, 16)}`;
}

export function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

/** The directory of an installed package, as the harness resolves it (its exports may not list package.json). */
export function installedPackageDir(name) {
  const entry = fileURLToPath(import.meta.resolve(name));
  const marker = `/node_modules/${name}/`;
  return entry.slice(0, entry.lastIndexOf(marker) + marker.length);
}

/**
 * Whether `dir` may hold code this process runs: a directory owned by this user that no one else
 * can write (it is under a shared TMPDIR; a planted one is refused, not used).
 */
export function isPrivateDir(dir) {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return false;
  const uid = process.geteuid?.();
  return (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0;
}

/** The current build of this checkout, if it is fresh: its directory and main module's URL; undefined when there is none or it is stale. */
export function freshBuild(cacheDir = harnessCacheDir()) {
  try {
    if (!isPrivateDir(cacheDir)) return undefined;
    const key = readFileSync(join(cacheDir, pointerName()), 'utf8').trim();
    const dir = join(cacheDir, key);
    if (!/^[0-9a-f]{64}$/.test(key) || !isPrivateDir(dir)) return undefined;
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    for (const [file, hash] of Object.entries(manifest.inputs)) {
      if (sha256(readFileSync(join(packageRoot, file))) !== hash) return undefined;
    }
    for (const file of manifest.outputs) if (!statSync(join(dir, file), { throwIfNoEntry: false })) return undefined;
    // In use: not one of the unused builds (and client bundles) the next build removes.
    const now = Date.now() / 1000;
    for (const used of [key, ...manifest.uses]) utimesSync(join(cacheDir, used), now, now);
    // Its real path: the modules name each other by it, and vitest must see the same one (harness/run/compiled-suites.ts).
    const real = realpathSync(dir);
    return { dir: real, main: pathToFileURL(join(real, 'harness/cli/main.js')).href };
  } catch {
    return undefined;
  }
}

/**
 * The fresh build, made now when there is none (under a second, once per change of the sources),
 * or undefined when it cannot be made here: the run then loads the sources, only slower. Runs that
 * start together on a new checkout (a CI job's first commands) make it once: the others wait for
 * the one holding the build's lock, as long as that process lives.
 */
export async function compiledHarness() {
  const cacheDir = harnessCacheDir();
  const fresh = freshBuild(cacheDir);
  if (fresh) return fresh;
  // One another user could write into is not used, nor written into.
  if (statSync(cacheDir, { throwIfNoEntry: false }) && !isPrivateDir(cacheDir)) return undefined;
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const lock = join(cacheDir, `${pointerName()}.building`);
    for (const deadline = Date.now() + BUILD_WAIT_MS; !takeLock(lock);) {
      await sleep(50);
      const built = freshBuild(cacheDir);
      if (built) return built;
      if (Date.now() > deadline) return undefined; // a build that long is not normal: run the sources
    }
    const removeLock = () => rmSync(lock, { force: true });
    process.once('exit', removeLock); // an interrupt exits the process mid-build
    try {
      // Another process may have finished the build between this one's last look and the lock.
      const built = freshBuild(cacheDir);
      if (built) return built;
      const { buildHarness } = await import('./build-harness.js');
      await buildHarness({ packageRoot, cacheDir, pointer: pointerName() });
      return freshBuild(cacheDir);
    } finally {
      process.removeListener('exit', removeLock);
      removeLock();
    }
  } catch {
    return undefined; // no esbuild, a full disk, a read-only TMPDIR
  }
}

/** How long a run waits for another process's build of the same checkout. */
const BUILD_WAIT_MS = 30_000;

/** Takes the build's lock: true when this process holds it; a lock whose holder is gone is taken over. */
function takeLock(lock) {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  const holder = Number(readFileSync(lock, 'utf8'));
  if (holder > 0 && isAlive(holder)) return false;
  rmSync(lock, { force: true }); // its holder died mid-build (SIGKILL)
  return false; // the next attempt takes it, unless another waiter is quicker
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}
