import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../../exec.ts';

/**
 * Images for the docker test tier, built from local files (no registry): a static binary compiled
 * with `gcc -static` (Debian: gcc + libc6-dev) in a FROM-scratch image.
 *   relay  — socat-compatible arguments (same command line as the pinned alpine/socat)
 *   target — HTTP on :8080 echoing method, path and Host as JSON
 */
export const TEST_IMAGES = { relay: 'kindgate-test-relay:local', target: 'kindgate-test-target:local' } as const;

const sources = { relay: 'relay.c', target: 'target.c' } as const;

export async function buildTestImage(which: keyof typeof TEST_IMAGES): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `kindgate-image-${which}-`));
  try {
    const source = fileURLToPath(new URL(`./images/${sources[which]}`, import.meta.url));
    await copyFile(source, join(dir, sources[which]));
    await runCommand({
      file: 'gcc',
      args: ['-static', '-O2', '-o', join(dir, which), join(dir, sources[which])],
      timeoutMs: 120_000,
    });
    await writeFile(join(dir, 'Dockerfile'), `FROM scratch\nCOPY ${which} /${which}\nENTRYPOINT ["/${which}"]\n`);
    await runCommand({
      file: 'docker',
      args: ['build', '-q', '-t', TEST_IMAGES[which], dir],
      timeoutMs: 120_000,
      env: { DOCKER_BUILDKIT: '0' },
    });
    return TEST_IMAGES[which];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Why the docker tier cannot run here, or undefined when it can. */
export async function dockerTierUnavailable(): Promise<string | undefined> {
  try {
    await runCommand({ file: 'docker', args: ['info', '--format', '{{.ServerVersion}}'], timeoutMs: 15_000 });
  } catch (error) {
    return `no Docker engine reachable (${(error as Error).message.split('\n')[0]})`;
  }
  try {
    await runCommand({ file: 'gcc', args: ['--version'], timeoutMs: 15_000 });
  } catch {
    return 'gcc is missing (the tier builds its images from C sources: apt-get install gcc libc6-dev)';
  }
  return undefined;
}
