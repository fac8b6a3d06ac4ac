import { stringify } from 'yaml';
import { GATEWAY_GROUP } from '../../kube/conditions.ts';
import { describeRef, type KubeObject, type ObjectRef } from '../../kube/types.ts';
import { redactObject, redactSecrets } from '../redact.ts';
import { safeName, type BundleWriter } from './bundle-writer.ts';
import { statusText } from './status.ts';
import type { DiagnosticsKube } from './types.ts';

/**
 * The objects of the bundle, as YAML with status: GatewayClasses (`cluster/`), the namespaced
 * kinds a reader wants per namespace, and further objects a caller names (`objects/`). Secrets are
 * never read; managedFields and the last-applied annotation (where a Secret's content can echo) go.
 * Each collector returns the Gateway API objects it found, for the README's "where to look first".
 */

/** Namespaced kinds collected per namespace, in the order a reader wants them. */
export const NAMESPACED_KINDS: { apiVersion: string; kind: string; file: string }[] = [
  { apiVersion: `${GATEWAY_GROUP}/v1`, kind: 'Gateway', file: 'gateways.yaml' },
  { apiVersion: `${GATEWAY_GROUP}/v1`, kind: 'HTTPRoute', file: 'httproutes.yaml' },
  { apiVersion: `${GATEWAY_GROUP}/v1beta1`, kind: 'ReferenceGrant', file: 'referencegrants.yaml' },
  { apiVersion: 'v1', kind: 'Service', file: 'services.yaml' },
  { apiVersion: 'apps/v1', kind: 'Deployment', file: 'deployments.yaml' },
  { apiVersion: 'v1', kind: 'Pod', file: 'pods.yaml' },
];

export const GATEWAY_CLASSES_FILE = 'cluster/gatewayclasses.yaml';

/** Kinds never written, whatever a caller passes. */
const FORBIDDEN_KINDS = new Set(['Secret']);

/** Noise (managedFields) and places a Secret's content can echo (last-applied annotation) go. */
export function sanitizeObject(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  const meta = { ...copy.metadata };
  delete meta.managedFields;
  if (meta.annotations) {
    const annotations = { ...meta.annotations };
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    meta.annotations = annotations;
    if (Object.keys(annotations).length === 0) delete meta.annotations;
  }
  copy.metadata = meta;
  return copy;
}

export function objectsYaml(objects: KubeObject[]): string {
  if (objects.length === 0) return '# none\n';
  return redactSecrets(objects.map((o) => stringify(redactObject(sanitizeObject(o)), { lineWidth: 0 })).join('---\n'));
}

const isGatewayApi = (apiVersion: string) => apiVersion.startsWith(GATEWAY_GROUP);

/** `cluster/gatewayclasses.yaml` and `cluster/status.txt`. */
export async function collectGatewayClasses(bundle: BundleWriter, kube: DiagnosticsKube): Promise<KubeObject[]> {
  const found: KubeObject[] = [];
  await bundle.step('GatewayClasses', async () => {
    const classes = await kube.list(`${GATEWAY_GROUP}/v1`, 'GatewayClass');
    found.push(...classes);
    await bundle.write(GATEWAY_CLASSES_FILE, objectsYaml(classes));
    await bundle.write('cluster/status.txt', statusText(classes));
  });
  return found;
}

/** One file per kind of NAMESPACED_KINDS in `<namespace>/`, and `status.txt` when Gateway API objects are there. */
export async function collectNamespaceObjects(
  bundle: BundleWriter,
  kube: DiagnosticsKube,
  namespace: string,
): Promise<KubeObject[]> {
  const gatewayApi: KubeObject[] = [];
  for (const { apiVersion, kind, file } of NAMESPACED_KINDS) {
    await bundle.step(`${kind}s in ${namespace}`, async () => {
      const objects = await kube.list(apiVersion, kind, { namespace });
      if (isGatewayApi(apiVersion)) gatewayApi.push(...objects);
      await bundle.write(`${safeName(namespace)}/${file}`, objectsYaml(objects));
    });
  }
  if (gatewayApi.length > 0) {
    await bundle.step(`status of ${namespace}`, () =>
      bundle.write(`${safeName(namespace)}/status.txt`, statusText(gatewayApi)),
    );
  }
  return gatewayApi;
}

/** `objects/<kind>-<namespace>-<name>.yaml` for each object asked for; Secrets are refused and noted. */
export async function collectRequestedObjects(
  bundle: BundleWriter,
  kube: DiagnosticsKube,
  refs: readonly ObjectRef[],
): Promise<KubeObject[]> {
  const gatewayApi: KubeObject[] = [];
  for (const ref of refs) {
    if (FORBIDDEN_KINDS.has(ref.kind)) bundle.note(`${describeRef(ref)}: not collected (Secrets are never written)`);
  }
  for (const ref of refs.filter((r) => !FORBIDDEN_KINDS.has(r.kind))) {
    const name = describeRef(ref);
    await bundle.step(name, async () => {
      const obj = await kube.get(ref);
      const path = `objects/${safeName(`${ref.kind}-${ref.namespace ?? 'cluster'}-${ref.name}`)}.yaml`;
      if (!obj) {
        await bundle.write(path, `# ${name} does not exist\n`);
        return;
      }
      if (isGatewayApi(obj.apiVersion)) gatewayApi.push(obj);
      await bundle.write(path, objectsYaml([obj]));
    });
  }
  return gatewayApi;
}
