import { parseRunOptions } from '../config/parse.ts';
import { createLogger } from '../log.ts';
import { getProfile } from '../profiles/index.ts';
import { printPlan } from './dry-run.ts';
import { asSetupError } from '../errors.ts';
import { tearDownWhenAbandoned } from '../run/parent-watch.ts';
import { useRunTempDir } from '../run/temp-dir.ts';

/**
 * `kindgate up`: provision and keep serving until interrupted. stdout gets only
 * `KUBECONFIG=<path>` and `GATEWAY_URL=http://host:port` lines, so scripts can `eval` them.
 */
export async function upCommand(argv: string[]): Promise<number> {
  const options = parseRunOptions('up', argv);
  const log = createLogger({ verbose: options.verbose });
  const profile = getProfile(options.profile);
  if (options.dryRun) return printPlan(options, profile, 'up');
  useRunTempDir();
  tearDownWhenAbandoned((m) => log.warn(m));

  const { Session } = await import('../run/session.ts'); // the Kubernetes client: only for valid options
  const session = await Session.create(options, profile, log);
  // stdout is up's contract (the KUBECONFIG= and GATEWAY_URL= lines): once nobody can read it,
  // the environment is of no use to anyone, so it is torn down (exit 141, as SIGPIPE would).
  process.stdout.on('error', () => session.interrupt('SIGPIPE'));
  let provisioned;
  try {
    provisioned = await session.provision();
  } catch (error) {
    await session.teardown();
    throw asSetupError(error);
  }
  const { handle } = provisioned;
  process.stdout.write(`KUBECONFIG=${handle.kubeconfigPath}\n`);
  const first = Object.entries(handle.endpoints).find(([, e]) => !('error' in e));
  if (first) {
    const endpoint = first[1] as { host: string; port: number };
    process.stdout.write(`GATEWAY_URL=http://${endpoint.host}:${endpoint.port}\n`);
  }
  for (const [key, endpoint] of Object.entries(handle.endpoints)) {
    if ('error' in endpoint) log.warn(`listener ${key}: ${endpoint.error}`);
    else log.info(`listener ${key} → http://${endpoint.host}:${endpoint.port} (Host: ${handle.hostname})`);
  }
  log.info('serving; press Ctrl-C to stop');
  // Teardown and exit happen in the session's interrupt handler (a signal, a closed stdout).
  await new Promise<never>(() => {});
  return 0;
}
