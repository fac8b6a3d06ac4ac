import type { KubeObject, Store } from '../apiserver/store.ts';

/** Objects and waits for the sim tests that run the controller against a bare Store. */

export const GW = 'gateway.networking.k8s.io/v1';

/** The controller options of a sim that stands in for Istio (its class, controller and Server header). */
export const ISTIO_LIKE = {
  gatewayClassName: 'istio',
  controllerName: 'istio.io/gateway-controller',
  serverHeader: 'istio-envoy',
} as const;

/** Resolves once `check` returns a value (re-checked on every store event). */
export function waitFor<T>(store: Store, what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const attempt = (): boolean => {
      const value = check();
      if (value === undefined || value === false) return false;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
      return true;
    };
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = store.subscribe(() => void attempt());
    attempt();
  });
}

export function namespace(name: string, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

/** A go-httpbin Deployment (the sim runs its httpbin stand-in), labelled app=httpbin and the version. */
export function httpbinDeployment(name: string, version: string, ns: string): KubeObject {
  const labels = { app: 'httpbin', version };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'httpbin',
              image: 'mccutchen/go-httpbin:2.25.0',
              ports: [{ containerPort: 8080 }],
              env: [
                { name: 'HTTPBIN_ENV_VERSION', value: version },
                { name: 'OTHER', value: 'hidden' },
              ],
            },
          ],
        },
      },
    },
  };
}

/** The Service in front of httpbinDeployment(…, version, ns): port 80 to the pods' 8080. */
export function httpbinService(name: string, version: string, ns: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { selector: { app: 'httpbin', version }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

export function httpRoute(name: string, ns: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: GW, kind: 'HTTPRoute', metadata: { name, namespace: ns }, spec };
}
