import { describe, expect, it } from 'vitest';
import { cellValue, evalJsonPath, humanAge, toTable, wantsTable } from './table.ts';
import { resourcesOfCrd, gatewayApiCrds } from './resources.ts';
import type { KubeObject } from './store.ts';

const gateway: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { gatewayClassName: 'istio' },
  status: {
    addresses: [{ value: '10.0.0.1' }, { value: '10.0.0.2' }],
    conditions: [
      { type: 'Accepted', status: 'True' },
      { type: 'Programmed', status: 'False' },
    ],
  },
};

describe('evalJsonPath', () => {
  it('evaluates fields, wildcards, indexes and equality filters', () => {
    expect(evalJsonPath(gateway, '.spec.gatewayClassName')).toEqual(['istio']);
    expect(evalJsonPath(gateway, '.status.addresses[*].value')).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(evalJsonPath(gateway, '.status.addresses[1].value')).toEqual(['10.0.0.2']);
    expect(evalJsonPath(gateway, '.status.conditions[?(@.type=="Programmed")].status')).toEqual(['False']);
    expect(evalJsonPath(gateway, '.status.conditions[?(@.type=="Ready")].status')).toEqual([]);
    expect(evalJsonPath(gateway, '.spec.missing.deeper')).toEqual([]);
  });
});

describe('Gateway Table', () => {
  const info = resourcesOfCrd(
    gatewayApiCrds().find((c) => c.spec && (c.spec as { names: { kind: string } }).names.kind === 'Gateway')!,
  )[0];

  it('has the CRD printer columns and evaluates them per row', () => {
    const table = toTable(info, [gateway], { includeObject: 'Metadata' }) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { kind: string } }[];
    };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Class', 'Address', 'Programmed', 'Age']);
    expect(table.rows[0].cells.slice(0, 4)).toEqual(['gw', 'istio', '10.0.0.1,10.0.0.2', 'False']);
    expect(table.rows[0].object.kind).toBe('PartialObjectMetadata');
  });

  it('renders missing values as null, arrays as JSON and dates as ages', () => {
    expect(
      cellValue(
        { ...gateway, status: {} },
        { name: 'Programmed', type: 'string', jsonPath: '.status.conditions[?(@.type=="Programmed")].status' },
      ),
    ).toBeNull();
    expect(
      cellValue(
        { ...gateway, spec: { hostnames: ['a.example.com'] } },
        { name: 'Hostnames', type: 'string', jsonPath: '.spec.hostnames' },
      ),
    ).toBe('["a.example.com"]');
    expect(
      cellValue(
        gateway,
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        Date.parse('2026-01-01T00:03:20Z'),
      ),
    ).toBe('3m20s');
  });
});

describe('humanAge / wantsTable', () => {
  it('formats like kubectl', () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    expect(humanAge('2026-01-01T00:00:00Z', t0 + 45_000)).toBe('45s');
    expect(humanAge('2026-01-01T00:00:00Z', t0 + 3 * 3600_000)).toBe('3h');
    expect(humanAge('2026-01-01T00:00:00Z', t0 + 3 * 86400_000)).toBe('3d');
  });
  it('recognises the Accept header kubectl sends for tables', () => {
    expect(
      wantsTable(
        'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      ),
    ).toBe(true);
    expect(wantsTable('application/json')).toBe(false);
  });
});
