import { describe, expect, it } from 'vitest';
import {
  catalog,
  catalogEntries,
  entriesOf,
  findEntry,
  listenerReadyTitle,
  suiteOfFile,
  testTitle,
  upstreamMapping,
} from './catalog.ts';

describe('catalog', () => {
  it('gives each suite its titles, unique within the suite', () => {
    expect(entriesOf('header-routing').map((e) => e.id)).toEqual(['headerV2', 'headerV1', 'headersEcho']);
    expect(entriesOf('troubleshooting')).toHaveLength(10);
    for (const suite of ['gateway', 'httproute', 'routing', 'header-routing', 'troubleshooting']) {
      const titles = entriesOf(suite).map((e) => e.title);
      expect(new Set(titles).size).toBe(titles.length);
    }
    expect(catalogEntries.every((e) => catalog[e.id as keyof typeof catalog] === e)).toBe(true);
  });

  it('finds an entry by suite and title, by leaf name or vitest full name', () => {
    expect(testTitle('routingOk')).toBe('GET /headers through the Gateway answers 200');
    expect(findEntry('routing', 'GET /headers through the Gateway answers 200')?.id).toBe('routingOk');
    expect(findEntry('routing', 'routing > GET /headers through the Gateway answers 200')?.id).toBe('routingOk');
    expect(findEntry('gateway', 'GET /headers through the Gateway answers 200')).toBeUndefined();
    expect(findEntry('routing', 'something else')).toBeUndefined();
  });

  it('names suites by their files, and unknown files by base name', () => {
    expect(suiteOfFile('suites/gateway-status.test.ts')).toBe('gateway');
    expect(suiteOfFile('/abs/path/suites/header-routing.test.ts')).toBe('header-routing');
    expect(suiteOfFile('suites\\httproute-status.test.ts')).toBe('httproute');
    expect(suiteOfFile('suites/troubleshooting.test.ts')).toBe('troubleshooting');
    expect(suiteOfFile('suites/negative-routes.test.ts')).toBe('negative-routes');
    expect(suiteOfFile('harness/x/foo.sim.test.ts')).toBe('foo');
  });

  it('maps upstream tests to the kindgate tests asserting them', () => {
    const mapping = upstreamMapping();
    expect(mapping.get('HTTPRouteCrossNamespace')).toEqual(['routeAccepted', 'routingOk']);
    expect(mapping.get('HTTPRouteHeaderMatching')).toEqual(['headerV2']);
    expect(mapping.get('HTTPRouteInvalidNonExistentBackendRef')).toEqual(['tsBackendNotFound', 'tsBackendNotFound500']);
    expect(mapping.get('HTTPRouteWeight')).toEqual(['tsWeightSplit', 'tsWeightZero']);
    expect(catalog.tsReferenceGrant).toMatchObject({
      suite: 'troubleshooting',
      file: 'suites/troubleshooting.test.ts',
      level: 'core',
    });
    expect(catalog.gatewayAccepted).not.toHaveProperty('upstream');
  });
});

describe('parameterised titles', () => {
  it('matches listenerReady for any listener name', () => {
    expect(findEntry('gateway', listenerReadyTitle('https'))?.id).toBe('listenerReady');
    expect(listenerReadyTitle('http')).toBe(testTitle('listenerReady'));
  });
});
