import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../exec.ts';

/**
 * The stand-in runner image for the docker test tier, built as the tier builds its other images
 * (harness/providers/kind/dockertest/images.ts): a static C binary in a FROM-scratch image, so no
 * registry is needed. It has no ENTRYPOINT: like the Go image it runs the command it is given
 * (`go test …`), and its `go` is the stand-in binary.
 */
export const STAND_IN_IMAGE = 'kindgate-test-conformance-runner:local';

export async function buildStandInImage(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindgate-image-runner-'));
  try {
    const source = fileURLToPath(new URL('./runner-stand-in.c', import.meta.url));
    await copyFile(source, join(dir, 'runner-stand-in.c'));
    await runCommand({
      file: 'gcc',
      args: ['-static', '-O2', '-o', join(dir, 'go'), join(dir, 'runner-stand-in.c')],
      timeoutMs: 120_000,
    });
    // The runner's command is `go test …`: PATH finds /go; no shell, no entrypoint.
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY go /go\nENV PATH=/\n');
    await runCommand({
      file: 'docker',
      args: ['build', '-q', '-t', STAND_IN_IMAGE, dir],
      timeoutMs: 120_000,
      env: { DOCKER_BUILDKIT: '0' },
    });
    return STAND_IN_IMAGE;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
