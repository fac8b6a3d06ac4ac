import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { inspectKubeconfigTarget, writeRunKubeconfig } from './kubeconfig-file.ts';
import { INSTEAD, kubeconfigTestDir, refusal, SECRET } from './kubeconfig-file.test-helper.ts';

describe('a run kubeconfig at a --kubeconfig path (issue 9, defects 2, 3)', () => {
  it('refuses an empty file others may read (a secret never goes into a 0644 file), takes a private one', async () => {
    const d = kubeconfigTestDir();
    const open = join(d, 'k');
    writeFileSync(open, '');
    chmodSync(open, 0o644);
    expect(await refusal(inspectKubeconfigTarget(open, INSTEAD))).toBe(
      `--kubeconfig ${open} is an empty file others may read or write (mode 0644), and kindgate would write this cluster's ` +
        `credentials into it; chmod 600 ${open}, choose a new path, or ${INSTEAD}.`,
    );
    expect(statSync(open).mode & 0o777).toBe(0o644);
    await expect(writeRunKubeconfig(open, SECRET, INSTEAD)).rejects.toThrow(/mode 0644/);
    expect(readFileSync(open, 'utf8')).toBe('');
    chmodSync(open, 0o600);
    expect(await inspectKubeconfigTarget(open, INSTEAD)).toBe('empty');
  });

  it('writes a new kubeconfig 0600 from the first byte and removes only that file at the end', async () => {
    const path = join(kubeconfigTestDir(), 'kc');
    const file = await writeRunKubeconfig(path, SECRET, INSTEAD);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe(SECRET);
    await file.remove();
    expect(existsSync(path)).toBe(false);
  });

  it('writes into a private empty file the user made, and at the end empties it again rather than deleting it', async () => {
    const path = join(kubeconfigTestDir(), 'kc');
    writeFileSync(path, '', { mode: 0o600 });
    const file = await writeRunKubeconfig(path, SECRET, INSTEAD);
    expect(readFileSync(path, 'utf8')).toBe(SECRET);
    await file.remove();
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('never removes a file that replaced its own, nor one the user changed since', async () => {
    const d = kubeconfigTestDir();
    const replaced = join(d, 'replaced');
    const created = await writeRunKubeconfig(replaced, SECRET, INSTEAD);
    execFileSync('sh', ['-c', `rm ${replaced} && echo theirs > ${replaced}`]);
    await created.remove();
    expect(readFileSync(replaced, 'utf8')).toBe('theirs\n');

    const edited = join(d, 'edited');
    writeFileSync(edited, '', { mode: 0o600 });
    const given = await writeRunKubeconfig(edited, SECRET, INSTEAD);
    writeFileSync(edited, `${SECRET}current-context: mine\n`);
    await given.remove();
    expect(readFileSync(edited, 'utf8')).toContain('current-context: mine');
  });

  it('of many writers of one path started together, exactly one is accepted (issue 9, defect 3)', async () => {
    for (const pre of ['absent', 'empty']) {
      for (let round = 0; round < 10; round++) {
        const path = join(kubeconfigTestDir(), 'same.kc');
        if (pre === 'empty') writeFileSync(path, '', { mode: 0o600 });
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => writeRunKubeconfig(path, `${SECRET}# writer ${i}\n`, INSTEAD)),
        );
        const accepted = results.filter((r) => r.status === 'fulfilled');
        expect(accepted, `${pre}, round ${round}`).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected') expect(r.reason, `${pre}, round ${round}`).toBeInstanceOf(UsageError);
        const winner = readFileSync(path, 'utf8');
        expect(winner).toMatch(/# writer \d\n$/);
        expect(existsSync(`${path}.lock`)).toBe(false);
      }
    }
  });
});
