import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { UsageError } from '../errors.ts';

/**
 * The upstream suite reads KUBECONFIG and its current context (controller-runtime
 * pkg/client/config: only a --kubeconfig flag, no context flag). With --context, the runner gets a
 * private copy whose current-context is that context; the user's file is never written.
 */
export async function kubeconfigForContext(path: string, context: string | undefined, dir: string): Promise<string> {
  if (!context) return path;
  const doc = parseYaml(await readFile(path, 'utf8')) as { contexts?: { name?: string }[] } & Record<string, unknown>;
  if (!doc?.contexts?.some((c) => c.name === context)) {
    throw new UsageError(
      `--context ${context} is not a context of ${path}; use one of its contexts (kubectl config get-contexts).`,
    );
  }
  doc['current-context'] = context;
  const copy = join(dir, 'kubeconfig');
  await writeFile(copy, stringify(doc), { mode: 0o600 });
  return copy;
}
