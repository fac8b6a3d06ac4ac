import { describe, expect, it } from 'vitest';
import { ApplyConflictError, fieldPathText, recordUpdate, serverSideApply, type ManagedFieldsEntry } from './apply.ts';
import type { KubeObject } from './store.ts';

const gw = (spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: 'ns', ...(labels ? { labels } : {}) },
  spec,
});
const managers = (obj: KubeObject) =>
  (obj.metadata.managedFields as ManagedFieldsEntry[]).map((e) => `${e.manager}/${e.operation}`);

describe('serverSideApply', () => {
  it('creates the object and records the manager as Apply with FieldsV1', () => {
    const out = serverSideApply(undefined, gw({ gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80 }] }), {
      manager: 'kindgate',
    });
    expect(out.spec).toEqual({ gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80 }] });
    const [entry] = out.metadata.managedFields as ManagedFieldsEntry[];
    expect(entry).toMatchObject({
      manager: 'kindgate',
      operation: 'Apply',
      fieldsType: 'FieldsV1',
      apiVersion: 'gateway.networking.k8s.io/v1',
    });
    expect(entry.fieldsV1).toEqual({
      'f:spec': {
        'f:gatewayClassName': {},
        'f:listeners': { 'k:{"name":"http"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
      },
    });
  });

  it('removes fields the manager stopped applying, including whole list items', () => {
    const first = serverSideApply(
      undefined,
      gw(
        {
          gatewayClassName: 'istio',
          listeners: [
            { name: 'http', port: 80 },
            { name: 'alt', port: 81, hostname: 'a' },
          ],
        },
        { a: '1', b: '2' },
      ),
      { manager: 'm' },
    );
    const second = serverSideApply(
      first,
      gw({ gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80 }] }, { a: '1' }),
      { manager: 'm' },
    );
    expect(second.spec).toEqual({ gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80 }] });
    expect(second.metadata.labels).toEqual({ a: '1' });
  });

  it('keeps a removed field another manager also applies with the same value', () => {
    const a = serverSideApply(undefined, gw({ gatewayClassName: 'istio' }, { shared: 'x' }), { manager: 'a' });
    const b = serverSideApply(a, gw({}, { shared: 'x' }), { manager: 'b' });
    const a2 = serverSideApply(b, gw({ gatewayClassName: 'istio' }), { manager: 'a' });
    expect(a2.metadata.labels).toEqual({ shared: 'x' });
  });

  it('merges keyed lists item by item and replaces other lists whole', () => {
    const a = serverSideApply(
      undefined,
      gw({ listeners: [{ name: 'http', port: 80 }], addresses: [{ value: '1.1.1.1' }] }),
      { manager: 'a' },
    );
    const b = serverSideApply(a, gw({ listeners: [{ name: 'https', port: 443 }], addresses: [{ value: '2.2.2.2' }] }), {
      manager: 'b',
      force: true,
    });
    expect(b.spec).toEqual({
      listeners: [
        { name: 'http', port: 80 },
        { name: 'https', port: 443 },
      ],
      addresses: [{ value: '2.2.2.2' }],
    });
  });

  it('refuses to change a field another manager owns, naming it; force takes it over', () => {
    const a = serverSideApply(undefined, gw({ gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80 }] }), {
      manager: 'a',
    });
    const edit = () => serverSideApply(a, gw({ listeners: [{ name: 'http', port: 8080 }] }), { manager: 'b' });
    expect(edit).toThrow(ApplyConflictError);
    expect(edit).toThrow(
      'Apply failed with 1 conflict: conflict with "a" using gateway.networking.k8s.io/v1: .spec.listeners[name="http"].port',
    );
    const forced = serverSideApply(a, gw({ listeners: [{ name: 'http', port: 8080 }] }), { manager: 'b', force: true });
    expect((forced.spec as { listeners: unknown[] }).listeners).toEqual([{ name: 'http', port: 8080 }]);
    // a no longer owns the port: when b stops applying it, it goes away instead of conflicting
    const aAgain = serverSideApply(forced, gw({ gatewayClassName: 'istio', listeners: [{ name: 'http' }] }), {
      manager: 'a',
    });
    expect((aAgain.spec as { listeners: unknown[] }).listeners).toEqual([{ name: 'http', port: 8080 }]);
  });

  it('sees conflicts with fields changed by non-apply writes (Update entries)', () => {
    const a = serverSideApply(undefined, gw({ gatewayClassName: 'istio' }), { manager: 'a' });
    const edited = recordUpdate(a, gw({ gatewayClassName: 'other' }), {
      manager: 'kubectl-edit',
      apiVersion: 'gateway.networking.k8s.io/v1',
    });
    expect(managers(edited)).toEqual(['kubectl-edit/Update']);
    expect(() => serverSideApply(edited, gw({ gatewayClassName: 'istio' }), { manager: 'a' })).toThrow(
      /conflict with "kubectl-edit"/,
    );
  });

  it('ignores status on the main resource and applies only status on /status', () => {
    const withStatus = { ...gw({ gatewayClassName: 'istio' }), status: { addresses: [{ value: '1.2.3.4' }] } };
    const created = serverSideApply(undefined, withStatus, { manager: 'a' });
    expect(created.status).toBeUndefined();
    const status = serverSideApply(
      created,
      { ...gw({ gatewayClassName: 'changed' }), status: { conditions: [{ type: 'Programmed', status: 'True' }] } },
      { manager: 'ctl', subresource: 'status' },
    );
    expect(status.spec).toEqual({ gatewayClassName: 'istio' });
    expect(status.status).toEqual({ conditions: [{ type: 'Programmed', status: 'True' }] });
    expect((status.metadata.managedFields as ManagedFieldsEntry[]).find((e) => e.manager === 'ctl')?.subresource).toBe(
      'status',
    );
  });

  it('leaves managedFields untouched (same timestamp) when an apply changes nothing', () => {
    const a = serverSideApply(undefined, gw({ gatewayClassName: 'istio' }), { manager: 'a' });
    (a.metadata.managedFields as ManagedFieldsEntry[])[0].time = '2020-01-01T00:00:00Z';
    const again = serverSideApply(a, gw({ gatewayClassName: 'istio' }), { manager: 'a' });
    expect(again.metadata.managedFields).toEqual(a.metadata.managedFields);
  });
});

describe('fieldPathText', () => {
  it('renders field paths as conflict messages do', () => {
    expect(fieldPathText(['f:spec', 'f:listeners', 'k:{"name":"http"}', 'f:port'])).toBe(
      '.spec.listeners[name="http"].port',
    );
  });
});
