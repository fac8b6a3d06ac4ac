import { describe, expect, it } from 'vitest';
import { Store, type KubeObject, type StoreEvent } from './store.ts';

/** The store hands out its own snapshots: no read may give a caller state it can change. */

function configMap(name: string, namespace = 'default', data: Record<string, string> = { a: '1' }): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { app: 'x' } }, data };
}

/** Every way a caller could change an object it was given, each expected to throw. */
function mutations(obj: KubeObject): (() => void)[] {
  type Writable = {
    kind: string;
    metadata: { name: string; labels: Record<string, string> };
    data?: Record<string, string>;
    status?: unknown;
  };
  const o = obj as unknown as Writable;
  return [
    () => void (o.data!.a = 'changed'),
    () => void (o.metadata.labels.app = 'changed'),
    () => void (o.metadata.name = 'changed'),
    () => void (o.kind = 'Secret'),
    () => void delete o.data,
    () => void (o.status = { phase: 'x' }),
  ];
}

describe('sim object store reads', () => {
  it('get, list, create, update and delete return frozen objects: mutating one throws and changes nothing', () => {
    const store = new Store();
    const given = [store.create(configMap('cm'))];
    given.push(store.get('v1', 'ConfigMap', 'default', 'cm')!);
    given.push(store.list('v1', 'ConfigMap')[0], store.list('v1', 'ConfigMap', 'default')[0]);
    given.push(store.update({ ...configMap('cm'), data: { a: '2' } }));
    given.push(store.updateStatus({ ...configMap('cm'), status: { phase: 'ok' } }));
    for (const obj of given) for (const mutate of mutations(obj)) expect(mutate).toThrow(TypeError);
    const before = store.get('v1', 'ConfigMap', 'default', 'cm')!;
    expect(before).toMatchObject({ data: { a: '2' }, metadata: { name: 'cm', labels: { app: 'x' } } });
    const gone = store.delete('v1', 'ConfigMap', 'default', 'cm')!;
    for (const mutate of mutations(gone)) expect(mutate).toThrow(TypeError);
  });

  it('a mutated list array is the caller’s own: the next list is unchanged and still sorted', () => {
    const store = new Store();
    for (const [name, ns] of [
      ['b', 'ns2'],
      ['a', 'ns2'],
      ['z', 'ns1'],
    ])
      store.create(configMap(name, ns));
    const first = store.list('v1', 'ConfigMap');
    first.reverse().pop();
    expect(store.list('v1', 'ConfigMap').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'ns1/z',
      'ns2/a',
      'ns2/b',
    ]);
    const inNs2 = store.list('v1', 'ConfigMap', 'ns2');
    inNs2.length = 0;
    expect(store.list('v1', 'ConfigMap', 'ns2').map((o) => o.metadata.name)).toEqual(['a', 'b']);
  });

  it('the caller’s input stays the caller’s: changing it after a write does not change the stored object', () => {
    const store = new Store();
    const input = configMap('cm');
    store.create(input);
    (input.data as Record<string, string>).a = 'changed';
    input.metadata.labels!.app = 'changed';
    expect(store.get('v1', 'ConfigMap', 'default', 'cm')).toMatchObject({
      data: { a: '1' },
      metadata: { labels: { app: 'x' } },
    });
    expect(Object.isFrozen(input)).toBe(false);
  });

  it('every read reflects the latest write, with the object of each version in its watch event', () => {
    const store = new Store();
    const events: StoreEvent[] = [];
    store.subscribe((e) => events.push(e));
    const created = store.create(configMap('cm'));
    const held = store.get('v1', 'ConfigMap', 'default', 'cm')!;
    const updated = store.update({ ...held, data: { a: '2' } });
    expect(held.data).toEqual({ a: '1' }); // an object once read is that version, for good
    expect(store.get('v1', 'ConfigMap', 'default', 'cm')).toBe(updated);
    expect(store.list('v1', 'ConfigMap')).toEqual([updated]);
    expect(events.map((e) => [e.type, e.object.metadata.resourceVersion, e.object.data])).toEqual([
      ['ADDED', created.metadata.resourceVersion, { a: '1' }],
      ['MODIFIED', updated.metadata.resourceVersion, { a: '2' }],
    ]);
    for (const e of [...events, ...store.eventsSince('1')!]) {
      expect(() => void ((e.object.data as Record<string, string>).a = 'x')).toThrow(TypeError);
      expect(() => void ((e as { type: string }).type = 'DELETED')).toThrow(TypeError);
    }
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
  });

  it('serves another version of a kind as a frozen copy in that apiVersion, the stored object unchanged', () => {
    const store = new Store();
    const gw = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'd' } };
    store.create(gw);
    const beta = store.get('gateway.networking.k8s.io/v1beta1', 'Gateway', 'd', 'g')!;
    expect(beta.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
    expect(() => void (beta.metadata.name = 'x')).toThrow(TypeError);
    expect(() => void (beta.apiVersion = 'x')).toThrow(TypeError);
    expect(store.get('gateway.networking.k8s.io/v1', 'Gateway', 'd', 'g')!.apiVersion).toBe(gw.apiVersion);
  });
});
