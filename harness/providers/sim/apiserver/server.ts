import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import YAML from 'yaml';
import { ApiError } from './api-error.ts';
import type { ApiFaults } from './faults.ts';
import type { ServerContext } from './request.ts';
import { ResourceRegistry, seedCluster } from './resources.ts';
import { sendError } from './responses.ts';
import { isPublicPath, routeRequest } from './router.ts';
import type { Store } from './store.ts';

/**
 * The simulated cluster's Kubernetes API server: plain HTTP on 127.0.0.1, bearer-token auth,
 * discovery (legacy and aggregated), get/list/watch/create/update/patch/delete on the resources
 * of ResourceRegistry, the status subresource, pods/log, server-side apply and Table output.
 * It is what kubectl and @kubernetes/client-node talk to in the `sim` provider. Requests go
 * through router.ts to one handler per verb under handlers/.
 */

export interface SimApiServer {
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

export interface StartApiServerOptions {
  store: Store;
  port?: number;
  podLogs?: (namespace: string, pod: string, container?: string) => string | undefined;
  /** Faults to inject (--sim-faults). */
  faults?: ApiFaults;
}

export { SIM_VERSION } from './handlers/non-resource.ts';

const tokens = new WeakMap<SimApiServer, string>();

/**
 * kubectl (client-go) sends no credentials over plain HTTP, so anonymous requests are allowed
 * (loopback only); a client that does present credentials must present the kubeconfig's token.
 */
function checkCredentials(req: IncomingMessage, token: string): void {
  const path = new URL(req.url ?? '/', 'http://sim').pathname.replace(/\/+$/, '') || '/';
  const auth = req.headers.authorization;
  if (!isPublicPath(path) && auth !== undefined && auth !== `Bearer ${token}`) {
    throw new ApiError(401, 'Unauthorized', 'Unauthorized');
  }
}

export async function startApiServer(opts: StartApiServerOptions): Promise<SimApiServer> {
  const { store } = opts;
  seedCluster(store);
  const context: ServerContext = {
    store,
    registry: new ResourceRegistry(store),
    podLogs: opts.podLogs,
    watches: new Set(),
    faults: opts.faults,
  };
  const token = randomBytes(24).toString('hex');

  const server = createServer((req, res) => {
    (async () => {
      checkCredentials(req, token);
      await routeRequest(context, req, res);
    })().catch((err: unknown) => sendError(res, err));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const api: SimApiServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    async close() {
      for (const stop of [...context.watches]) stop();
      context.registry.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  tokens.set(api, token);
  return api;
}

/**
 * A kubeconfig for the server: cluster `<contextName>` at its URL, a user with its static token,
 * a context of that name (current). The text contains the token: write it to a private file,
 * never log it.
 */
export function kubeconfigFor(server: SimApiServer, contextName = 'kindgate-sim'): string {
  const token = tokens.get(server);
  if (!token) throw new Error('kubeconfigFor needs a server returned by startApiServer');
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain http:// unless the cluster entry says insecure-skip-tls-verify.
    clusters: [{ name: contextName, cluster: { server: server.url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: `${contextName}-user`, user: { token } }],
    contexts: [
      { name: contextName, context: { cluster: contextName, user: `${contextName}-user`, namespace: 'default' } },
    ],
    'current-context': contextName,
    preferences: {},
  });
}
