import type { RunOptions } from '../config/options.ts';
import type { Logger } from '../log.ts';
import type { Profile } from '../profiles/types.ts';
import type { Provider } from '../providers/types.ts';
import { collectDiagnosticsStep } from '../reports/diagnostics-step.ts';
import type { TestRecord } from '../reports/results.ts';
import { UPSTREAM_NAMESPACES } from './plan.ts';

/**
 * The diagnostics bundle of a failed upstream run, as `kindgate test` writes it, collected while
 * the cluster still exists: the suite's namespaces (objects, events, pod logs), its Gateways'
 * data-plane pods, the implementation's controller logs, and for kind `kind export logs`.
 * Best effort: a failing collection is a warning, never the run's result.
 */
export async function collectUpstreamDiagnostics(args: {
  provider: Provider;
  options: RunOptions;
  profile: Profile;
  failedTests: readonly TestRecord[];
  setupFailure?: string;
  log: Logger;
}): Promise<string | undefined> {
  const { provider, options, profile, log } = args;
  return collectDiagnosticsStep({
    provider,
    context: options.context,
    dir: options.reportDir,
    scope: async (kube) => ({
      namespaces: UPSTREAM_NAMESPACES,
      gateways: (
        await Promise.all(
          UPSTREAM_NAMESPACES.map((namespace) =>
            kube.list('gateway.networking.k8s.io/v1', 'Gateway', { namespace }).catch(() => []),
          ),
        )
      )
        .flat()
        .map((g) => ({ namespace: g.metadata.namespace ?? UPSTREAM_NAMESPACES[0], name: g.metadata.name })),
    }),
    profile,
    failure: {
      setup: args.setupFailure,
      tests: args.failedTests.map((t) => ({ suite: t.suite, title: t.title, error: t.error })),
    },
    log,
  });
}
