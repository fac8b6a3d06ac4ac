import { formatCommand, type CommandLine } from '../../exec.ts';
import type { ObjectRef } from '../../kube/types.ts';
import { poolSliceExample } from './pool.ts';
import type { Artifact } from './tools/artifact.ts';
import type { ImplementationPlan, KindRunPlan } from './plan.ts';
import { RELAY_PORT, relayCommand } from './reach/relay.ts';

const cmd = (c: CommandLine) => `$ ${formatCommand(c)}`;
const ref = (r: ObjectRef) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
const secs = (ms: number) => `${Math.round(ms / 1000)} s`;

function artifactLines(a: Artifact, indent: string): string[] {
  return [
    `${indent}GET ${a.url}${a.bytes ? ` (${a.bytes.toLocaleString('en-US')} bytes)` : ''}`,
    a.sha256 ? `${indent}  sha256 ${a.sha256}` : `${indent}  sha256 from ${a.checksumUrl} (published beside it)`,
    `${indent}  verified copy: ${a.cachePath} (reused when its sha256 still matches)`,
  ];
}

/** Step 4c: Istio's istioctl, or the vendor's own install (after the CRDs, since it may need them). */
function implementationLines(plan: ImplementationPlan): string[] {
  if (plan.type === 'istio') {
    return [
      `   4c. Istio ${plan.version}`,
      `       ${cmd(plan.install)}`,
      `       wait ${ref(plan.istiod)} Available (${secs(plan.istiodTimeoutMs)})`,
      `       after 4b: wait ${ref(plan.gatewayClass)} Accepted=True (${secs(plan.gatewayClassTimeoutMs)})`,
    ];
  }
  const out = [
    `   4c. ${plan.profile} (profile.install of the config file), after 4b: the Gateway API CRDs are Established`,
  ];
  if (plan.command) {
    const env = Object.entries(plan.command.env ?? {})
      .map(([k, v]) => `${formatCommand({ file: `${k}=${v}`, args: [] })} `)
      .join('');
    out.push(`       $ ${env}${formatCommand(plan.command)}   (no shell; up to ${secs(plan.command.timeoutMs)})`);
  }
  for (const manifest of plan.manifests) out.push(`       server-side apply ${manifest} (field manager kindgate)`);
  out.push(`       wait ${ref(plan.gatewayClass)} Accepted=True (${secs(plan.gatewayClassTimeoutMs)})`);
  return out;
}

/**
 * The `--dry-run` text: what will happen to this machine, in order; nothing is executed.
 * `runSteps` (fixtures, suites, reports: the provider-independent part of a run) is shown
 * before the teardown.
 */
export function formatPlan(plan: KindRunPlan, runSteps: string[] = []): string {
  const { cluster, installs, tools } = plan;
  const { metallb, gatewayApiCrds: crds, implementation } = installs;
  const out: string[] = [];
  out.push(`kindgate plan: provider kind, cluster ${plan.clusterName} (dry run; nothing below is executed)`, '');
  out.push('1. Preflight (each failure stops the run with one sentence and leaves nothing behind)');
  out.push(`   - Node.js >= ${plan.preflight.nodeMinimum}; platform ${plan.platform.os}/${plan.platform.arch}`);
  out.push(`   - container engine reachable: ${cmd(plan.preflight.engineInfo)}`);
  if (implementation.type === 'vendor' && implementation.command) {
    out.push(
      `   - ${implementation.command.file} (profile.install.command) ${implementation.command.file.includes('/') ? 'exists' : 'is on PATH'}`,
    );
  }
  out.push(
    `   - download hosts answer a HEAD request within ${secs(plan.preflight.hostProbeTimeoutMs)} (only for downloads not already in the cache)`,
  );
  out.push('', '2. Tools (one on PATH is used when it prints the pinned version; otherwise the verified download)');
  for (const tool of tools) {
    out.push(`   - ${tool.name} ${tool.version}: ${cmd({ file: tool.name, args: tool.versionArgs, timeoutMs: 0 })}`);
    out.push(...artifactLines(tool.artifact, '       '));
    out.push(
      tool.archiveMember
        ? `       extract ${tool.archiveMember} → ${tool.binPath}, chmod 755`
        : `       chmod 755 ${tool.binPath}`,
    );
  }
  out.push('', `3. Cluster ${plan.clusterName} (node image ${cluster.nodeImage})`);
  if (plan.reuse) {
    out.push(`   - --reuse: ${cmd(cluster.list)} must list ${plan.clusterName}`);
    out.push(`   - ${cmd(cluster.getKubeconfig)} → ${plan.kubeconfigPath} (mode 0600)`);
  } else {
    out.push(`   - write ${cluster.configPath} (mode 0600):`);
    out.push(
      ...cluster.configYaml
        .trimEnd()
        .split('\n')
        .map((l) => `       ${l}`),
    );
    out.push(`   - ${cmd(cluster.list)} must not list ${plan.clusterName} (use --reuse to run against it)`);
    out.push(`   - ${cmd(cluster.create)}`);
    out.push(`     kubeconfig written to ${plan.kubeconfigPath} (mode 0600); ~/.kube/config is not touched`);
  }
  out.push(`   - wait until the API server answers (${secs(cluster.apiTimeoutMs)})`);
  out.push('', '4. Concurrently, once the API server answers:');
  out.push(`   4a. MetalLB ${metallb.version}`);
  out.push(...artifactLines(metallb.manifest, '       '));
  out.push('       server-side apply (field manager kindgate)');
  out.push(`       wait ${ref(metallb.controller)} Available (${secs(metallb.controllerTimeoutMs)})`);
  out.push(
    `       ${cmd(metallb.networkInspect)} → the IPv4 subnet (by address family) → this cluster's slice at its top, from a hash of the cluster name (${poolSliceExample(plan.clusterName, 16)} in a /16, docker's default; ${poolSliceExample(plan.clusterName, 24)} in a /24)`,
  );
  out.push(
    `       server-side apply IPAddressPool ${metallb.namespace}/${metallb.poolName} + L2Advertisement ${metallb.namespace}/${metallb.l2AdvertisementName} (metallb.io/v1beta1), retried while the webhook refuses, up to ${secs(metallb.poolRetryMs)}`,
  );
  out.push(`   4b. Gateway API ${crds.version} CRDs, ${crds.channel} channel`);
  out.push(...artifactLines(crds.bundle, '       '));
  out.push(
    `       server-side apply (field manager kindgate); wait every CRD Established (${secs(crds.establishedTimeoutMs)})`,
  );
  out.push(...implementationLines(implementation));
  out.push('', `5. Reaching a Gateway (--reach ${plan.reach}): its Gateway.status.addresses address`);
  out.push(
    plan.reach === 'relay'
      ? `   - always through a relay container: image ${plan.relayImage}, network ${plan.network}, label ${Object.entries(
          plan.teardown.relayLabel,
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`
      : `   - direct when a TCP connect to it works${plan.reach === 'auto' ? `; otherwise a relay container (image ${plan.relayImage}) on docker network ${plan.network} forwards a host port to it` : ''}`,
  );
  out.push(
    `   - relay (testcontainers, network ${plan.network}, container port ${RELAY_PORT} → a free host port): ${plan.relayImage} ${relayCommand({ host: '<address>', port: 0 }).join(' ').replace(':0', ':<listener port>')}`,
  );
  if (runSteps.length) out.push('', '6. The run', ...runSteps.map((line) => `   ${line}`));
  out.push('', `${runSteps.length ? 7 : 6}. Teardown (always, also after a failed setup or on SIGINT/SIGTERM)`);
  out.push(
    `   - remove relay containers labelled ${Object.entries(plan.teardown.relayLabel)
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}`,
  );
  out.push(
    plan.teardown.delete
      ? `   - ${cmd(plan.teardown.delete)}`
      : `   - cluster kept (${plan.reuse ? '--reuse: kindgate did not create it' : '--keep'}); kubeconfig ${plan.kubeconfigPath}`,
  );
  return `${out.join('\n')}\n`;
}
