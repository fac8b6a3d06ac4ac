import { describeRef, type KubeObject } from '../../kube/types.ts';
import { safeName, type BundleWriter } from './bundle-writer.ts';
import { objectsYaml } from './objects.ts';
import type { DiagnosticsInput } from './types.ts';

/**
 * `logs/<namespace>/`: the logs of the implementation's controller pods and of each Gateway's
 * data-plane pods (found by the profile's label selectors), one file per container, init
 * containers first, beside the pods they came from.
 */

interface LogSource {
  /** For problem lines: `controller pods (app=istiod) in istio-system`. */
  what: string;
  namespace: string;
  labelSelector: string;
}

interface Containers {
  spec?: { containers?: { name: string }[]; initContainers?: { name: string }[] };
}

function logSources(input: Pick<DiagnosticsInput, 'profile' | 'gateways'>): LogSource[] {
  const { controllerPods, gatewayPodSelector } = input.profile.diagnostics;
  return [
    ...controllerPods.map((c) => ({ what: `controller pods (${c.labelSelector}) in ${c.namespace}`, ...c })),
    ...input.gateways.map((gw) => ({
      what: `pods of ${describeRef({ kind: 'Gateway', namespace: gw.namespace, name: gw.name })}`,
      namespace: gw.namespace,
      labelSelector: gatewayPodSelector.replaceAll('{gateway}', gw.name),
    })),
  ];
}

export async function collectLogs(
  bundle: BundleWriter,
  input: Pick<DiagnosticsInput, 'kube' | 'profile' | 'gateways'>,
  tailLines: number,
): Promise<void> {
  for (const source of logSources(input)) {
    const pods = await collectPods(bundle, input, source);
    for (const pod of pods) await collectPodLogs(bundle, input, source.namespace, pod, tailLines);
  }
}

/** The pods a source selects, written beside their logs; none matching is a problem worth noting. */
async function collectPods(
  bundle: BundleWriter,
  input: Pick<DiagnosticsInput, 'kube'>,
  source: LogSource,
): Promise<KubeObject[]> {
  let pods: KubeObject[] = [];
  await bundle.step(source.what, async () => {
    pods = await input.kube.list('v1', 'Pod', { namespace: source.namespace, labelSelector: source.labelSelector });
    const file = `logs/${safeName(source.namespace)}/pods-${safeName(source.labelSelector)}.yaml`;
    await bundle.write(file, objectsYaml(pods));
    if (pods.length === 0) bundle.note(`${source.what}: no pods match`);
  });
  return pods;
}

async function collectPodLogs(
  bundle: BundleWriter,
  input: Pick<DiagnosticsInput, 'kube'>,
  namespace: string,
  pod: KubeObject,
  tailLines: number,
): Promise<void> {
  const spec = (pod as Containers).spec ?? {};
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c.name);
  const name = pod.metadata.name;
  for (const container of containers.length > 0 ? containers : [undefined]) {
    const label = `logs of pod ${namespace}/${name}${container ? ` container ${container}` : ''}`;
    await bundle.step(label, async () => {
      const text = await input.kube.podLogs(namespace, name, { container, tailLines });
      const file = `logs/${safeName(namespace)}/${safeName(name)}${container ? `_${safeName(container)}` : ''}.log`;
      await bundle.write(file, text);
    });
  }
}
