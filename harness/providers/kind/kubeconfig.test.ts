import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkKubeconfigTarget, preparePrivateFile } from './kubeconfig.ts';
import { INSTEAD, kubeconfigTestDir, refusal, SECRET } from '../kubeconfig-file.test-helper.ts';

describe('kind --kubeconfig targets and private files (issue 9, defects 1, 11)', () => {
  it('refuses anything that is not a regular file, without opening or deleting it', async () => {
    const d = kubeconfigTestDir();
    const fifo = join(d, 'fifo');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(join(d, 'a-dir'));
    symlinkSync(join(d, 'missing'), join(d, 'dangling'));
    expect(await refusal(checkKubeconfigTarget(fifo, undefined, INSTEAD))).toBe(
      `--kubeconfig ${fifo} is a FIFO, not a regular file; kindgate writes the cluster's credentials to a file it creates ` +
        `and will not touch this one: choose a new path, or ${INSTEAD}.`,
    );
    expect(await refusal(checkKubeconfigTarget(join(d, 'a-dir'), undefined, INSTEAD))).toMatch(
      /--kubeconfig .*a-dir is a directory, not a regular file/,
    );
    expect(await refusal(checkKubeconfigTarget('/dev/null', undefined, INSTEAD))).toMatch(
      /--kubeconfig \/dev\/null is a character device, not a regular file/,
    );
    expect(await refusal(checkKubeconfigTarget(join(d, 'dangling'), undefined, INSTEAD))).toMatch(
      /--kubeconfig .*dangling is a symbolic link to .*missing, which does not exist/,
    );
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('preparePrivateFile refuses a path that is not a regular file, and never writes a secret before the mode is 0600', async () => {
    const d = kubeconfigTestDir();
    execFileSync('mkfifo', [join(d, 'fifo')]);
    await expect(preparePrivateFile(join(d, 'fifo'), SECRET)).rejects.toThrow(/is a FIFO, not a regular file/);
    const own = join(d, 'own.kubeconfig');
    writeFileSync(own, 'old', { mode: 0o644 });
    chmodSync(own, 0o644);
    await preparePrivateFile(own, SECRET);
    expect(statSync(own).mode & 0o777).toBe(0o600);
    expect(readFileSync(own, 'utf8')).toBe(SECRET);
  });
});
