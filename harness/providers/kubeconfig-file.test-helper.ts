import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { UsageError } from '../errors.ts';

/** Fixtures of the --kubeconfig target tests (kubeconfig-file.ts, and kind's use of it). */

export const INSTEAD = 'omit --kubeconfig to use a temporary file';
export const SECRET = 'apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user: {token: s3cr3t}\n';
export const kubeconfigTestDir = () => mkdtempSync(join(tmpdir(), 'kg-kc-'));

/** The message of the UsageError `work` fails with (it must fail with one). */
export async function refusal(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}
