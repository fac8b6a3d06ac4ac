import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../types.ts';
import { rawRequest } from '../raw-http.test-helper.ts';
import { Store } from '../apiserver/store.ts';
import {
  GW,
  httpbinDeployment,
  httpbinService,
  httpRoute,
  namespace,
  waitFor,
  ISTIO_LIKE,
} from '../controller/cluster-objects.test-helper.ts';
import { type SimController, startController } from '../controller/controller.ts';

/**
 * The HTTPRoute filters the sim's data plane implements, end to end: HTTPRoutes written to the
 * store, the controller programming them, and real HTTP through the Gateway's listener to the
 * httpbin backend. What is asserted is what a user sees: status and Location of a redirect, the
 * URL the backend was asked for after a rewrite, the headers the backend received and the
 * headers of the response.
 */

const APPS = 'filters-apps';
const INFRA = 'filters-infra';
const GATEWAY = 'filters-gateway';
/** Not a well-known port, so a redirect that keeps the listener's port shows it. */
const LISTENER_PORT = 8080;

const parentRefs = [{ name: GATEWAY, namespace: INFRA }];
const backendRefs = [{ name: 'httpbin', port: 80 }];
const prefix = (value: string) => [{ path: { type: 'PathPrefix', value } }];

const redirectRoute = httpRoute('redirects', APPS, {
  parentRefs,
  hostnames: ['redirect.example'],
  rules: [
    { matches: prefix('/plain'), filters: [{ type: 'RequestRedirect', requestRedirect: {} }] },
    {
      matches: prefix('/moved'),
      filters: [
        {
          type: 'RequestRedirect',
          requestRedirect: {
            scheme: 'https',
            statusCode: 301,
            path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' },
          },
        },
      ],
    },
    {
      matches: [{ path: { type: 'Exact', value: '/elsewhere' } }],
      filters: [
        {
          type: 'RequestRedirect',
          requestRedirect: {
            hostname: 'other.example',
            port: 8443,
            path: { type: 'ReplaceFullPath', replaceFullPath: '/landing' },
          },
        },
      ],
      // A redirect answers before any backend is chosen.
      backendRefs,
    },
  ],
});

const rewriteRoute = httpRoute('rewrites', APPS, {
  parentRefs,
  hostnames: ['rewrite.example'],
  rules: [
    {
      matches: prefix('/api'),
      filters: [
        { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/anything' } } },
      ],
      backendRefs,
    },
    {
      matches: [{ path: { type: 'Exact', value: '/legacy' } }],
      filters: [
        {
          type: 'URLRewrite',
          urlRewrite: {
            hostname: 'internal.example',
            path: { type: 'ReplaceFullPath', replaceFullPath: '/anything/current' },
          },
        },
      ],
      backendRefs,
    },
  ],
});

const headerRoute = httpRoute('header-modifiers', APPS, {
  parentRefs,
  hostnames: ['headers.example'],
  rules: [
    {
      matches: prefix('/headers'),
      filters: [
        {
          type: 'RequestHeaderModifier',
          requestHeaderModifier: {
            set: [{ name: 'X-Env', value: 'sim' }],
            add: [{ name: 'X-Tag', value: 'route' }],
            remove: ['X-Secret'],
          },
        },
        {
          type: 'ResponseHeaderModifier',
          responseHeaderModifier: {
            set: [{ name: 'Content-Type', value: 'application/json' }],
            add: [{ name: 'X-Trace', value: 'route' }],
          },
        },
      ],
      backendRefs: [
        {
          name: 'httpbin',
          port: 80,
          filters: [
            { type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'X-Tag', value: 'backend' }] } },
            {
              type: 'ResponseHeaderModifier',
              responseHeaderModifier: { add: [{ name: 'X-Trace', value: 'backend' }] },
            },
          ],
        },
      ],
    },
    {
      matches: prefix('/status'),
      filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['Content-Type'] } }],
      backendRefs,
    },
  ],
});

const ROUTES = [redirectRoute, rewriteRoute, headerRoute];

function routeAccepted(store: Store, name: string): boolean {
  const parents = (store.get(GW, 'HTTPRoute', APPS, name)?.status as { parents?: { conditions: unknown[] }[] })
    ?.parents;
  const conditions = (parents?.[0]?.conditions ?? []) as { type: string; status: string }[];
  return conditions.some((c) => c.type === 'Accepted' && c.status === 'True');
}

describe('HTTPRoute filters through the sim data plane', () => {
  const store = new Store();
  let controller: SimController;
  let endpoint: Endpoint;
  const send = (host: string, path: string, headers: Record<string, string> = {}) =>
    rawRequest(endpoint, path, { host, headers });

  beforeAll(async () => {
    controller = await startController(store, {
      ...ISTIO_LIKE,
      addressDelayMs: 0,
    });
    for (const obj of [
      namespace(APPS),
      namespace(INFRA),
      httpbinDeployment('httpbin', 'v1', APPS),
      httpbinService('httpbin', 'v1', APPS),
      {
        apiVersion: GW,
        kind: 'Gateway',
        metadata: { name: GATEWAY, namespace: INFRA },
        spec: {
          gatewayClassName: 'istio',
          listeners: [
            { name: 'http', port: LISTENER_PORT, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
          ],
        },
      },
      ...ROUTES,
    ]) {
      store.create(obj);
    }
    for (const route of ROUTES) {
      const name = route.metadata.name;
      await waitFor(store, `HTTPRoute ${name} accepted`, () => routeAccepted(store, name));
    }
    endpoint = await waitFor(store, 'the listener served', () =>
      controller.endpoint({ namespace: INFRA, name: GATEWAY }, 'http'),
    );
  });

  afterAll(async () => {
    await controller?.stop();
  });

  describe('RequestRedirect', () => {
    it('answers 302 itself, keeping scheme, host, path, query and the listener port', async () => {
      const res = await send('redirect.example', '/plain/page?q=1');
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe(`http://redirect.example:${LISTENER_PORT}/plain/page?q=1`);
      expect(res.headers.server).toBe('istio-envoy');
      expect(res.body).toBe('');
    });

    it('uses the configured status code; a scheme implies its well-known port; ReplacePrefixMatch swaps the matched prefix', async () => {
      const res = await send('redirect.example', '/moved/page?q=1');
      expect(res.status).toBe(301);
      expect(res.headers.location).toBe('https://redirect.example/new/page?q=1');
    });

    it('sends to another hostname and port with ReplaceFullPath, and never reaches the backend', async () => {
      const res = await send('redirect.example', '/elsewhere');
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('http://other.example:8443/landing');
      expect(res.headers['x-envoy-upstream-service-time']).toBeUndefined();
    });
  });

  describe('URLRewrite', () => {
    it('ReplacePrefixMatch: the backend is asked for the rewritten path, query kept, Host unchanged', async () => {
      const res = await send('rewrite.example', '/api/items?id=7');
      expect(res.status).toBe(200);
      const echoed = JSON.parse(res.body);
      expect(echoed.url).toBe('http://rewrite.example/anything/items?id=7');
      expect(echoed.args).toEqual({ id: ['7'] });
      expect(echoed.headers.Host).toEqual(['rewrite.example']);
    });

    it('ReplaceFullPath with a hostname: the backend sees the new path and Host', async () => {
      const res = await send('rewrite.example', '/legacy');
      expect(res.status).toBe(200);
      const echoed = JSON.parse(res.body);
      expect(echoed.url).toBe('http://internal.example/anything/current');
      expect(echoed.headers.Host).toEqual(['internal.example']);
    });
  });

  describe('header modifiers', () => {
    it("RequestHeaderModifier: set replaces, add appends (the rule's, then the backendRef's), remove drops", async () => {
      const res = await send('headers.example', '/headers', { 'X-Env': 'client', 'X-Tag': 'client', 'X-Secret': 's' });
      expect(res.status).toBe(200);
      const seen = JSON.parse(res.body).headers;
      expect(seen['X-Env']).toEqual(['sim']);
      expect(seen['X-Tag']).toEqual(['client', 'route', 'backend']);
      expect(seen['X-Secret']).toBeUndefined();
    });

    it("ResponseHeaderModifier: set replaces the backend's header, add appends the rule's then the backendRef's", async () => {
      const res = await send('headers.example', '/headers');
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['x-trace']).toBe('route, backend');
    });

    it("ResponseHeaderModifier remove: the backend's header does not reach the client", async () => {
      const direct = await send('headers.example', '/status/418');
      expect(direct.status).toBe(418);
      expect(direct.headers['content-type']).toBeUndefined();
      expect(direct.headers.server).toBe('istio-envoy');
    });
  });
});
