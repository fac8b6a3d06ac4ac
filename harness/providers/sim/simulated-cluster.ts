import { startApiServer, kubeconfigFor, type SimApiServer } from './apiserver/server.ts';
import { startController, type SimController, type SimControllerOptions } from './controller/controller.ts';
import { Store } from './apiserver/store.ts';
import type { ApiFaults } from './apiserver/faults.ts';

/**
 * The whole simulated cluster in this process: object store, Kubernetes API on loopback, the
 * reference Gateway API controller and its data plane. It proves the harness, never an
 * implementation.
 */
export interface SimCluster {
  store: Store;
  api: SimApiServer;
  controller: SimController;
  kubeconfig(): string;
  close(): Promise<void>;
}

export interface SimClusterOptions extends SimControllerOptions {
  /** Faults the API server injects (--sim-faults). */
  apiFaults?: ApiFaults;
}

export async function startSimCluster(options: SimClusterOptions): Promise<SimCluster> {
  const store = new Store();
  const controller = await startController(store, options);
  let api: SimApiServer;
  try {
    api = await startApiServer({
      store,
      podLogs: (ns, pod, container) => controller.podLogs(ns, pod, container),
      faults: options.apiFaults,
    });
  } catch (error) {
    await controller.stop();
    throw error;
  }
  let closed = false;
  return {
    store,
    api,
    controller,
    kubeconfig: () => kubeconfigFor(api),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([api.close(), controller.stop()]);
    },
  };
}
