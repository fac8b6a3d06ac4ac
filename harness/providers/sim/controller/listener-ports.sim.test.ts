import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Condition } from '../../../kube/types.ts';
import { type KubeObject, Store } from '../apiserver/store.ts';
import { type BindFunction, listenOn } from '../dataplane/port-binding.ts';
import { rawRequest } from '../raw-http.test-helper.ts';
import { GW, httpbinDeployment, httpbinService, httpRoute, namespace, waitFor } from './cluster-objects.test-helper.ts';
import { type SimController, startController } from './controller.ts';
import { LoopbackAddresses } from './loopback-addresses.ts';

/**
 * Each Gateway at its own loopback address, and a listener port the data plane cannot bind:
 * reported in the listener's status (Programmed=False, PortUnavailable) and istiod's log, while
 * the listener is still served (at another port) with its routes.
 */

const CONTROLLER = 'istio.io/gateway-controller';
const NS = 'ports';

function gateway(name: string, listeners: { name: string; port: number }[]): KubeObject {
  return {
    apiVersion: GW,
    kind: 'Gateway',
    metadata: { name, namespace: NS },
    spec: { gatewayClassName: 'istio', listeners: listeners.map((l) => ({ ...l, protocol: 'HTTP' })) },
  };
}

type ListenerStatus = { name: string; attachedRoutes: number; conditions: Condition[] };

function statusOf(store: Store, name: string) {
  return store.get(GW, 'Gateway', NS, name)?.status as
    { addresses?: { value: string }[]; conditions?: Condition[]; listeners?: ListenerStatus[] } | undefined;
}

const cond = (conditions: Condition[] | undefined, type: string) => conditions?.find((c) => c.type === type);

describe('sim controller: Gateway addresses and listener ports', () => {
  const store = new Store();
  let controller: SimController;
  // Port 80 is "privileged" for this controller whatever the user running the tests may do.
  const denyPort80: BindFunction = (server, host, port) =>
    port === 80
      ? Promise.reject(Object.assign(new Error('listen EACCES: permission denied'), { code: 'EACCES' }))
      : listenOn(server, host, port);

  beforeAll(async () => {
    controller = await startController(store, {
      gatewayClassName: 'istio',
      controllerName: CONTROLLER,
      serverHeader: 'istio-envoy',
      addressDelayMs: 10,
      bind: denyPort80,
    });
    for (const obj of [
      namespace(NS),
      httpbinDeployment('httpbin', 'v1', NS),
      httpbinService('httpbin', 'v1', NS),
      gateway('first', [{ name: 'http', port: 80 }]),
      gateway('second', [{ name: 'http', port: 80 }]),
      httpRoute('to-first', NS, {
        parentRefs: [{ name: 'first' }],
        rules: [{ backendRefs: [{ name: 'httpbin', port: 80 }] }],
      }),
    ])
      store.create(obj);
    for (const name of ['first', 'second'])
      await waitFor(store, `${name} has an address and a listener status`, () =>
        statusOf(store, name)?.addresses &&
        cond(statusOf(store, name)?.listeners?.[0]?.conditions, 'Programmed')?.reason === 'PortUnavailable'
          ? true
          : undefined,
      );
  });

  afterAll(async () => {
    await controller?.stop();
  });

  it('gives each Gateway its own address from 127.0.0.0/8', () => {
    const first = statusOf(store, 'first')!.addresses![0].value;
    const second = statusOf(store, 'second')!.addresses![0].value;
    expect(first).toMatch(/^127\./);
    expect(second).toMatch(/^127\./);
    if (process.platform === 'linux') expect(first).not.toBe(second);
  });

  it('says Programmed=False with PortUnavailable and the bind error when the port cannot be bound, still Accepted', () => {
    const listener = statusOf(store, 'first')!.listeners![0];
    const served = controller.endpoint({ namespace: NS, name: 'first' }, 'http')!;
    const address = statusOf(store, 'first')!.addresses![0].value;
    expect(served.host).toBe(address);
    const message =
      `port 80 cannot be bound on ${address}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE); ` +
      `the kindgate sim serves this listener at ${address}:${served.port} instead`;
    expect(cond(listener.conditions, 'Programmed')).toMatchObject({
      status: 'False',
      reason: 'PortUnavailable',
      message,
    });
    expect(cond(listener.conditions, 'Accepted')).toMatchObject({ status: 'True', reason: 'Accepted' });
    expect(listener.attachedRoutes).toBe(1);
    expect(controller.portProblem({ namespace: NS, name: 'first' }, 'http')).toBe(message);
    // The Gateway itself has its address and is programmed.
    expect(cond(statusOf(store, 'first')!.conditions, 'Programmed')).toMatchObject({ status: 'True' });
    const istiod = store.list('v1', 'Pod', 'istio-system').find((p) => p.metadata.labels?.app === 'istiod');
    expect(controller.podLogs('istio-system', istiod!.metadata.name)).toContain(
      `error\tgateway\tlistener http of Gateway ${NS}/first: ${message}`,
    );
  });

  it('still serves the listener and its routes at the port it got', async () => {
    const served = controller.endpoint({ namespace: NS, name: 'first' }, 'http')!;
    const res = await rawRequest(served, '/env', { host: 'any.example.com' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ env: { HTTPBIN_ENV_VERSION: 'v1' } });
  });
});

describe('loopback address blocks', () => {
  it('two pools in one process reserve different blocks, and their addresses can be bound', async () => {
    const [a, b] = await Promise.all([LoopbackAddresses.open(), LoopbackAddresses.open()]);
    try {
      if (a.block === undefined) return; // only 127.0.0.1 here (macOS without aliases): nothing to compare
      expect(b.block).not.toBe(a.block);
      const address = a.allocate('ns/gw')!;
      const { createServer } = await import('node:http');
      const server = createServer();
      await listenOn(server, address, 0);
      await new Promise((r) => server.close(r));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
