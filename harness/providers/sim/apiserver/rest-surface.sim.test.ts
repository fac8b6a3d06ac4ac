import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type SimApiServer } from './server.ts';
import { Store } from './store.ts';
import { entry, envelope, field } from './protobuf.test-helper.ts';

/**
 * The rest of the sim API server's surface, over raw HTTP: the non-resource endpoints, legacy
 * discovery, dry runs, collection deletes, generated names, YAML bodies, merge and JSON patches,
 * namespace deletion and the WatchList protocol. (server.sim.test.ts covers what the kube client
 * uses; kubectl.sim.test.ts what kubectl does.)
 */

let server: SimApiServer;
const GATEWAYS = '/apis/gateway.networking.k8s.io/v1/namespaces/rest/gateways';
const JSON_TYPE = { 'content-type': 'application/json' };

beforeAll(async () => {
  server = await startApiServer({ store: new Store() });
  await call('/api/v1/namespaces', {
    method: 'POST',
    headers: JSON_TYPE,
    body: JSON.stringify({ metadata: { name: 'rest' } }),
  });
});
afterAll(async () => {
  await server?.close();
});

/** Anonymous, as kubectl talks to the sim over plain HTTP. */
function call(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(server.url + path, init);
}

async function json(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await call(path, init);
  return { status: res.status, body: await res.json() };
}

const gateway = (name: string, labels: Record<string, string> = {}) =>
  JSON.stringify({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, labels },
    spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
  });

const stored = (name: string) => server.store.get('gateway.networking.k8s.io/v1', 'Gateway', 'rest', name);

describe('sim API server: the REST surface beyond apply/get/list/watch', () => {
  it('answers health probes and /version without credentials, and an empty OpenAPI v2 document', async () => {
    for (const path of ['/healthz', '/readyz', '/livez/ping']) {
      const res = await call(path, { headers: { authorization: 'Bearer not-the-token' } });
      expect([res.status, await res.text()]).toEqual([200, 'ok']);
    }
    const version = await json('/version', { headers: { authorization: 'Bearer not-the-token' } });
    expect(version.body).toMatchObject({ major: '1', minor: '36', gitVersion: 'v1.36.4+kindgate-sim' });
    const openapi = await json('/openapi/v2');
    expect(openapi.body).toMatchObject({ swagger: '2.0', paths: {}, definitions: {} });
    const proto = await call('/openapi/v2', {
      headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    expect(proto.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect([...new Uint8Array(await proto.arrayBuffer())]).toEqual([0x0a, 0x03, 0x32, 0x2e, 0x30]); // swagger: "2.0"
    expect((await call('/openapi/v3')).status).toBe(404);
  });

  it('serves legacy discovery: /api, /apis, a group, a group version; unknown ones are 404', async () => {
    expect((await json('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await json('/apis')).body as { kind: string; groups: { name: string }[] };
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['apps', 'gateway.networking.k8s.io']));
    const group = (await json('/apis/gateway.networking.k8s.io')).body;
    expect(group).toMatchObject({ kind: 'APIGroup', preferredVersion: { version: 'v1' } });
    const resources = (await json('/apis/gateway.networking.k8s.io/v1')).body as { resources: { name: string }[] };
    expect(resources.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['gateways', 'gateways/status']));
    expect((await json('/apis/nope.example.com')).status).toBe(404);
    expect((await json('/apis/apps/v9')).status).toBe(404);
  });

  it('dryRun=All answers as a write would and stores nothing', async () => {
    const created = await json(`${GATEWAYS}?dryRun=All`, { method: 'POST', headers: JSON_TYPE, body: gateway('dry') });
    expect(created.status).toBe(201);
    expect(created.body.metadata.name).toBe('dry');
    expect(stored('dry')).toBeUndefined();
    await call(GATEWAYS, { method: 'POST', headers: JSON_TYPE, body: gateway('kept') });
    const deleted = await json(`${GATEWAYS}/kept?dryRun=All`, { method: 'DELETE' });
    expect([deleted.status, deleted.body.metadata.name]).toEqual([200, 'kept']);
    expect(stored('kept')).toBeDefined();
  });

  it('generateName gives a fresh name; YAML bodies are accepted', async () => {
    const body = 'metadata:\n  generateName: gen-\nspec:\n  gatewayClassName: istio\n';
    const created = await json(GATEWAYS, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body });
    expect(created.status).toBe(201);
    expect(created.body.metadata.name).toMatch(/^gen-[0-9a-f]{5}$/);
    expect(stored(created.body.metadata.name)?.spec).toEqual({ gatewayClassName: 'istio' });
  });

  it('applies merge patches and JSON patches; a JSON patch that does not apply is 422 Invalid', async () => {
    await call(GATEWAYS, { method: 'POST', headers: JSON_TYPE, body: gateway('patched') });
    const merged = await json(`${GATEWAYS}/patched`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { tier: 'edge' } }, spec: { gatewayClassName: 'other' } }),
    });
    expect(merged.body.metadata).toMatchObject({ labels: { tier: 'edge' }, generation: 2 });
    const patched = await json(`${GATEWAYS}/patched`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'replace', path: '/spec/listeners/0/port', value: 8080 }]),
    });
    expect(patched.body.spec.listeners[0].port).toBe(8080);
    const status = await json(`${GATEWAYS}/patched/status`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ status: { addresses: [{ value: '10.0.0.1' }] }, spec: { gatewayClassName: 'ignored' } }),
    });
    expect(status.body).toMatchObject({
      spec: { gatewayClassName: 'other' },
      status: { addresses: [{ value: '10.0.0.1' }] },
    });
    const failed = await json(`${GATEWAYS}/patched`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'remove', path: '/spec/nothing' }]),
    });
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
  });

  it('deletes a collection by label selector and answers with the deleted objects', async () => {
    for (const [name, batch] of [
      ['edge-1', 'edge'],
      ['edge-2', 'edge'],
      ['core-1', 'core'],
    ])
      await call(GATEWAYS, { method: 'POST', headers: JSON_TYPE, body: gateway(name, { batch }) });
    const deleted = await json(`${GATEWAYS}?labelSelector=batch%3Dedge`, { method: 'DELETE' });
    expect(deleted.body.kind).toBe('GatewayList');
    expect(deleted.body.items.map((g: { metadata: { name: string } }) => g.metadata.name)).toEqual([
      'edge-1',
      'edge-2',
    ]);
    expect(stored('edge-1')).toBeUndefined();
    expect(stored('core-1')).toBeDefined();
  });

  it('refuses request bodies over 16 MiB with 413', async () => {
    const res = await json(GATEWAYS, { method: 'POST', headers: JSON_TYPE, body: 'x'.repeat(16 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ reason: 'RequestEntityTooLarge', code: 413 });
  });

  it('deleting a namespace answers it Terminating and removes what lives in it', async () => {
    await call('/api/v1/namespaces', {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({ metadata: { name: 'doomed' } }),
    });
    await call('/api/v1/namespaces/doomed/configmaps', {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({ metadata: { name: 'cm' } }),
    });
    const deleted = await json('/api/v1/namespaces/doomed', { method: 'DELETE' });
    expect(deleted.body.status).toEqual({ phase: 'Terminating' });
    expect((await call('/api/v1/namespaces/doomed/configmaps/cm')).status).toBe(404);
  });

  it('WatchList: sendInitialEvents ends the initial objects with a BOOKMARK; timeoutSeconds ends the stream', async () => {
    await call(GATEWAYS, { method: 'POST', headers: JSON_TYPE, body: gateway('watched') });
    const res = await call(
      `${GATEWAYS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1`,
    );
    const events = (await res.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; object: { metadata: Record<string, any> } });
    const last = events.at(-1)!;
    expect(last.type).toBe('BOOKMARK');
    expect(last.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(events.slice(0, -1).every((e) => e.type === 'ADDED')).toBe(true);
    expect(events.map((e) => e.object.metadata.name)).toContain('watched');
  });
});

describe('sim API server: protobuf bodies of typed Go clients', () => {
  const secretBody = envelope(
    'v1',
    'Secret',
    Buffer.concat([
      field(1, field(1, 'typed')),
      entry(2, 'tls.crt', Buffer.from('PEM')),
      field(3, 'kubernetes.io/tls'),
    ]),
  );

  it('creates a Secret sent as protobuf (as controller-runtime sends built-in kinds), answering JSON', async () => {
    const created = await json('/api/v1/namespaces/rest/secrets', {
      method: 'POST',
      headers: {
        'content-type': 'application/vnd.kubernetes.protobuf',
        accept: 'application/vnd.kubernetes.protobuf, */*',
      },
      body: new Uint8Array(secretBody),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'Secret',
      metadata: { name: 'typed', namespace: 'rest' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from('PEM').toString('base64') },
    });
    expect(server.store.get('v1', 'Secret', 'rest', 'typed')).toBeDefined();
  });

  it('answers 415 for a protobuf body of a kind it does not decode', async () => {
    const refused = await json('/api/v1/namespaces/rest/services', {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
      body: new Uint8Array(envelope('v1', 'Service', field(1, field(1, 'svc')))),
    });
    expect(refused.status).toBe(415);
    expect(refused.body.message).toMatch(/decodes protobuf only for Secret and ConfigMap/);
  });
});
