import type { GatewaySpec } from '../../../kube/gateway-api.ts';
import type { KubeObject } from '../apiserver/store.ts';

/**
 * The objects Istio's gateway deployment controller creates for a Gateway (automated
 * deployment): Deployment and Service `<gateway>-istio` in the Gateway's namespace, owned by the
 * Gateway, selecting pods by `gateway.networking.k8s.io/gateway-name`. Service ports: Istio's
 * `status-port` 15021 first, then one port per distinct listener port, named after the listener.
 */

export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
export const MANAGED_LABEL = 'gateway.istio.io/managed';
export const MANAGED_VALUE = 'istio.io-gateway-controller';

export function infraName(gatewayName: string): string {
  return `${gatewayName}-istio`;
}

export function serviceHost(gatewayName: string, namespace: string): string {
  return `${infraName(gatewayName)}.${namespace}.svc.cluster.local`;
}

/** Listener name as a Service port name (lower-case alphanumerics and single dashes), like Istio's sanitizer. */
export function portName(listenerName: string): string {
  return listenerName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 63);
}

function ownerRef(gw: KubeObject) {
  return [
    { apiVersion: gw.apiVersion, kind: 'Gateway', name: gw.metadata.name, uid: gw.metadata.uid, controller: true },
  ];
}

function labels(gw: KubeObject): Record<string, string> {
  const spec = gw.spec as GatewaySpec;
  return {
    ...(spec.infrastructure?.labels ?? {}),
    [MANAGED_LABEL]: MANAGED_VALUE,
    [GATEWAY_NAME_LABEL]: gw.metadata.name,
  };
}

export function gatewayService(gw: KubeObject): KubeObject {
  const spec = gw.spec as GatewaySpec;
  const seen = new Set<number>();
  const ports: Record<string, unknown>[] = [
    { name: 'status-port', port: 15021, protocol: 'TCP', appProtocol: 'tcp', targetPort: 15021 },
  ];
  (spec.listeners ?? []).forEach((l, i) => {
    if (seen.has(l.port)) return;
    seen.add(l.port);
    ports.push({
      name: portName(l.name) || `${l.protocol.toLowerCase()}-${i}`,
      port: l.port,
      protocol: 'TCP',
      appProtocol: l.protocol.toLowerCase(),
      targetPort: l.port,
    });
  });
  const annotations = spec.infrastructure?.annotations;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: infraName(gw.metadata.name),
      namespace: gw.metadata.namespace,
      labels: labels(gw),
      ...(annotations ? { annotations } : {}),
      ownerReferences: ownerRef(gw),
    },
    spec: {
      type: 'LoadBalancer',
      selector: { [GATEWAY_NAME_LABEL]: gw.metadata.name },
      ports,
    },
  };
}

/** The Deployment and its pods carry spec.infrastructure's labels and annotations too (as the Service does). */
export function gatewayDeployment(gw: KubeObject): KubeObject {
  const podLabels = {
    ...labels(gw),
    'service.istio.io/canonical-name': infraName(gw.metadata.name),
    'sidecar.istio.io/inject': 'false',
  };
  const annotations = (gw.spec as GatewaySpec).infrastructure?.annotations;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: infraName(gw.metadata.name),
      namespace: gw.metadata.namespace,
      labels: labels(gw),
      ...(annotations ? { annotations } : {}),
      ownerReferences: ownerRef(gw),
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { [GATEWAY_NAME_LABEL]: gw.metadata.name } },
      template: {
        metadata: { labels: podLabels, ...(annotations ? { annotations } : {}) },
        spec: {
          serviceAccountName: infraName(gw.metadata.name),
          containers: [
            {
              name: 'istio-proxy',
              image: 'auto',
              ports: [{ containerPort: 15021, name: 'status-port', protocol: 'TCP' }],
            },
          ],
        },
      },
    },
  };
}
