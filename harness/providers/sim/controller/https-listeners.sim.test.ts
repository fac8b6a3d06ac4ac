import { request } from 'node:https';
import { connect } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Condition } from '../../../kube/types.ts';
import type { Endpoint } from '../../types.ts';
import { type KubeObject, Store } from '../apiserver/store.ts';
import { listenOn } from '../dataplane/port-binding.ts';
import { SECOND_EXAMPLE_ORG, WILDCARD_EXAMPLE_COM } from '../tls-certificates.test-helper.ts';
import {
  GW,
  httpbinDeployment,
  httpbinService,
  httpRoute,
  namespace,
  waitFor,
  ISTIO_LIKE,
} from './cluster-objects.test-helper.ts';
import { type SimController, startController } from './controller.ts';

/**
 * HTTPS listeners end to end: certificateRefs resolved into listener status, TLS terminated with
 * the certificate the SNI name selects, routes served behind it with X-Forwarded-Proto https.
 */

const NS = 'tls';
const CERTS = 'certs';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function tlsSecret(name: string, ns: string, pair: { cert: string; key: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: ns },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(pair.cert), 'tls.key': b64(pair.key) },
  } as KubeObject;
}

function httpsListener(name: string, secret: { name: string; namespace?: string }, hostname?: string) {
  return {
    name,
    port: 443,
    protocol: 'HTTPS',
    ...(hostname ? { hostname } : {}),
    allowedRoutes: { namespaces: { from: 'All' } },
    tls: { certificateRefs: [{ group: '', kind: 'Secret', ...secret }] },
  };
}

/** GET over TLS with this SNI name, trusting only `ca`. */
function tlsGet(endpoint: Endpoint, path: string, serverName: string, ca: string) {
  return new Promise<{ status: number; body: string; peer: string }>((resolve, reject) => {
    const req = request(
      {
        host: endpoint.host,
        port: endpoint.port,
        path,
        servername: serverName,
        ca,
        headers: { host: serverName },
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            peer: String((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The CN of the certificate served to a client that sends no SNI server name (it connects by IP). */
function defaultCertificateName(endpoint: Endpoint): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port, rejectUnauthorized: false }, () => {
      resolve(String(socket.getPeerCertificate().subject.CN));
      socket.end();
    });
    socket.on('error', reject);
  });
}

const listenerStatus = (store: Store, listener: string) =>
  (
    store.get(GW, 'Gateway', NS, 'secure')?.status as
      { listeners?: { name: string; attachedRoutes: number; conditions: Condition[] }[] } | undefined
  )?.listeners?.find((l) => l.name === listener);
const cond = (store: Store, listener: string, type: string) =>
  listenerStatus(store, listener)?.conditions.find((c) => c.type === type);

describe('sim controller: HTTPS listeners', () => {
  const store = new Store();
  let controller: SimController;

  beforeAll(async () => {
    controller = await startController(store, {
      ...ISTIO_LIKE,
      addressDelayMs: 10,
      // What is tested is TLS, not the port number: 443 is served at a free port.
      bind: (server, host) => listenOn(server, host, 0),
    });
    for (const obj of [
      namespace(NS),
      namespace(CERTS),
      tlsSecret('wildcard', NS, WILDCARD_EXAMPLE_COM),
      tlsSecret('second', CERTS, SECOND_EXAMPLE_ORG),
      httpbinDeployment('httpbin', 'v1', NS),
      httpbinService('httpbin', 'v1', NS),
      {
        apiVersion: GW,
        kind: 'Gateway',
        metadata: { name: 'secure', namespace: NS },
        spec: {
          gatewayClassName: 'istio',
          listeners: [
            httpsListener('https', { name: 'wildcard' }),
            httpsListener('https-second', { name: 'second', namespace: CERTS }, 'second.example.org'),
            httpsListener('https-missing', { name: 'nonexistent' }, 'missing.example.net'),
          ],
        },
      },
      httpRoute('web', NS, {
        parentRefs: [{ name: 'secure' }],
        rules: [{ backendRefs: [{ name: 'httpbin', port: 80 }] }],
      }),
    ])
      store.create(obj);
    await waitFor(store, 'https served', () => controller.endpoint({ namespace: NS, name: 'secure' }, 'https'));
  });

  afterAll(async () => {
    await controller?.stop();
  });

  it('reports resolved certificates as ResolvedRefs and Programmed; a missing Secret as InvalidCertificateRef', () => {
    expect(cond(store, 'https', 'ResolvedRefs')).toMatchObject({ status: 'True', reason: 'ResolvedRefs' });
    expect(cond(store, 'https', 'Programmed')).toMatchObject({ status: 'True' });
    expect(cond(store, 'https-missing', 'ResolvedRefs')).toMatchObject({
      status: 'False',
      reason: 'InvalidCertificateRef',
      message: 'Secret tls/nonexistent does not exist',
    });
    expect(cond(store, 'https-missing', 'Programmed')).toMatchObject({ status: 'False', reason: 'Invalid' });
    expect(controller.endpoint({ namespace: NS, name: 'secure' }, 'https-missing')).toBeUndefined();
  });

  it('needs a ReferenceGrant for a Secret in another namespace; with one, the listener resolves', async () => {
    expect(cond(store, 'https-second', 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'RefNotPermitted' });
    store.create({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'gateways-may-read-certs', namespace: CERTS },
      spec: {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: NS }],
        to: [{ group: '', kind: 'Secret' }],
      },
    });
    await waitFor(store, 'https-second resolved', () =>
      cond(store, 'https-second', 'ResolvedRefs')?.status === 'True' ? true : undefined,
    );
    expect(cond(store, 'https-second', 'Programmed')).toMatchObject({ status: 'True' });
  });

  it('terminates TLS with the certificate of the listener the SNI name selects and routes as on HTTP', async () => {
    const endpoint = controller.endpoint({ namespace: NS, name: 'secure' }, 'https')!;
    expect(controller.endpoint({ namespace: NS, name: 'secure' }, 'https-second')).toEqual(endpoint);
    const wildcard = await tlsGet(endpoint, '/headers', 'www.example.com', WILDCARD_EXAMPLE_COM.cert);
    expect([wildcard.status, wildcard.peer]).toEqual([200, '*.example.com']);
    expect(JSON.parse(wildcard.body).headers['X-Forwarded-Proto']).toEqual(['https']);
    const second = await tlsGet(endpoint, '/headers', 'second.example.org', SECOND_EXAMPLE_ORG.cert);
    expect([second.status, second.peer]).toEqual([200, 'second.example.org']);
  });

  it('serves a client without SNI the first listener’s certificate, and the new one once its Secret changes', async () => {
    const endpoint = controller.endpoint({ namespace: NS, name: 'secure' }, 'https')!;
    expect(await defaultCertificateName(endpoint)).toBe('*.example.com');
    const replace = (pair: { cert: string; key: string }) => store.update(tlsSecret('wildcard', NS, pair));
    replace(SECOND_EXAMPLE_ORG);
    try {
      let served = '';
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
        served = await defaultCertificateName(endpoint);
        if (served === 'second.example.org') break;
      }
      expect(served).toBe('second.example.org');
    } finally {
      replace(WILDCARD_EXAMPLE_COM);
    }
  });
});
