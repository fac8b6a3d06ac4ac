import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { flagsFor } from './flags.ts';
import { CLUSTER_PREFIX } from './options.ts';

/** What `kindgate down` is told: which detached environments to stop, and where their records are. */
export interface DownOptions {
  kubeconfig?: string;
  /** With the `kindgate-` prefix, as `up` names environments. */
  name?: string;
  all: boolean;
  cacheDir: string;
  verbose: boolean;
}

function whichMessage(): string {
  return 'kindgate down needs one of --kubeconfig FILE, --name NAME or --all to say which detached environment to stop.';
}

export function parseDownOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): DownOptions {
  const specs = flagsFor('down');
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(specs.map((s) => [s.flag, { type: s.type === 'boolean' ? 'boolean' : 'string' }])),
    }) as { values: Record<string, string | boolean | undefined> });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0].replace(/\.$/, '');
    throw new UsageError(`kindgate down: ${message}; see kindgate down --help.`);
  }
  const kubeconfig = values.kubeconfig as string | undefined;
  const rawName = values.name as string | undefined;
  const all = Boolean(values.all);
  if ([kubeconfig, rawName, all || undefined].filter((v) => v !== undefined).length !== 1)
    throw new UsageError(whichMessage());
  for (const [flag, value] of [
    ['kubeconfig', kubeconfig],
    ['name', rawName],
    ['cache-dir', values['cache-dir']],
  ] as const) {
    if (value === '') throw new UsageError(`--${flag} must not be empty.`);
  }
  const cacheDir =
    (values['cache-dir'] as string | undefined) ?? join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kindgate');
  return {
    ...(kubeconfig !== undefined ? { kubeconfig: resolve(kubeconfig) } : {}),
    ...(rawName !== undefined
      ? { name: rawName.startsWith(CLUSTER_PREFIX) ? rawName : `${CLUSTER_PREFIX}${rawName}` }
      : {}),
    all,
    cacheDir: resolve(cacheDir),
    verbose: Boolean(values.verbose) || Boolean(env.KINDGATE_DEBUG),
  };
}
