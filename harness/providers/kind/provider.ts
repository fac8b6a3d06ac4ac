import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunOptions } from '../../config/options.ts';
import { asSetupError, SetupError } from '../../errors.ts';
import { describeRef } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import type { Profile } from '../../profiles/types.ts';
import type { Endpoint, GatewayRef, Provider } from '../types.ts';
import { kindCommands } from './cluster.ts';
import type { KindContext, KindProviderDeps } from './context.ts';
import { defaultKindDeps } from './default-deps.ts';
import { formatPlan } from './plan-printer.ts';
import { planKindRun, type KindRunPlan } from './plan.ts';
import type { GatewayReach } from './reach/endpoint.ts';
import { reachReport } from './reach/unreachable.ts';
import { StepRunner } from './run-steps.ts';
import { kindPipeline } from './steps/pipeline.ts';
import { withTools } from './tools/with-tools.ts';

export { formatPlan, planKindRun };
export type { KindProviderDeps, KindRunPlan };

const withVerboseHint = (message: string) => message.replace(/\.?$/, '; rerun with --verbose for details.');

function notStartedMessage(gateway: GatewayRef): string {
  const where = describeRef({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', ...gateway });
  return `The kind provider is not started, so ${where} cannot be reached; call start() first.`;
}

/** `gateway-reach.md`: for each Gateway address that never answered, what the cluster said about it. */
async function writeReachReports(reach: GatewayReach | undefined, dir: string, log: Logger): Promise<void> {
  if (!reach?.unreachable.length) return;
  const text = reach.unreachable.map((u) => reachReport(u.gateway, u.target, u.waitedMs, u.facts)).join('\n');
  await writeFile(join(dir, REACH_REPORT_FILE), text, { mode: 0o600 }).catch((error: Error) =>
    log.warn(`writing ${REACH_REPORT_FILE}: ${error.message}`),
  );
}

export const REACH_REPORT_FILE = 'gateway-reach.md';

export interface KindProvider extends Provider {
  readonly plan: KindRunPlan;
}

/** One start of the provider: the runner and the context its steps share. */
interface KindRun {
  runner: StepRunner<KindContext>;
  ctx: KindContext;
}

/**
 * The `kind` provider: runs the steps of `kindPipeline` (preflight → tools → cluster (or --reuse)
 * → API server → concurrently MetalLB, Gateway API CRDs, the implementation → reach), each logged
 * with its duration. `start` cleans up after itself when it fails; `stop` is idempotent and safe
 * at any point (also mid-start, on a signal: it cancels what runs first).
 */
export function createKindProvider(
  options: RunOptions,
  profile: Profile,
  overrides: Partial<KindProviderDeps> = {},
): KindProvider {
  const deps: KindProviderDeps = { ...defaultKindDeps, ...overrides };
  const plan = planKindRun(options, profile, deps.host);
  let current: KindRun | undefined;

  return {
    name: 'kind',
    plan,
    clusterOutlivesRun: plan.reuse,

    async start(log, hooks) {
      const runner = new StepRunner<KindContext>(deps.cancelGraceMs);
      const ctx: KindContext = {
        options,
        plan,
        deps,
        log,
        signal: runner.signal,
        tools: {},
        toolOrigins: {},
        created: { cluster: false, relays: false },
        after: runner.after,
      };
      current = { runner, ctx };
      try {
        await runner.run(kindPipeline, ctx, hooks);
      } catch (error) {
        throw asSetupError(error, withVerboseHint);
      }
    },

    async stop(log) {
      if (current) await current.runner.teardown(current.ctx, log);
    },

    kubeconfigPath: () => plan.kubeconfigPath,

    async endpoint(gateway: GatewayRef, listener: string): Promise<Endpoint> {
      const reach = current?.ctx.reach;
      if (!reach) throw new SetupError(notStartedMessage(gateway));
      return reach.endpoint(gateway, listener);
    },

    async diagnose(dir, log) {
      await writeReachReports(current?.ctx.reach, dir, log);
      const tools = current?.ctx.tools;
      if (!tools?.kind) return;
      try {
        await deps.run(withTools(kindCommands.exportLogs(plan.clusterName, join(dir, 'kind-logs')), tools), log);
      } catch (error) {
        log.warn(`kind export logs failed: ${(error as Error).message}`);
      }
    },
  };
}
