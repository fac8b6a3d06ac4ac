import { describe, expect, it } from 'vitest';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.ts';
import type { KubeObject } from './store.ts';

const obj = (name: string, labels: Record<string, string>, namespace = 'ns'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels },
});

describe('parseLabelSelector', () => {
  const pick = (sel: string) =>
    [obj('a', { app: 'web', tier: 'fe' }), obj('b', { app: 'web' }), obj('c', { app: 'db', tier: 'be' })]
      .filter(parseLabelSelector(sel))
      .map((o) => o.metadata.name);

  it('supports equality, inequality, existence and absence, comma-joined', () => {
    expect(pick('app=web')).toEqual(['a', 'b']);
    expect(pick('app==web,tier')).toEqual(['a']);
    expect(pick('app=web,tier!=fe')).toEqual(['b']);
    expect(pick('!tier')).toEqual(['b']);
    expect(pick('')).toEqual(['a', 'b', 'c']);
  });

  it('supports set-based in/notin', () => {
    expect(pick('tier in (fe,be)')).toEqual(['a', 'c']);
    expect(pick('app notin (web), tier')).toEqual(['c']);
  });

  it('rejects what it cannot parse', () => {
    expect(() => parseLabelSelector('a=b=c')).toThrow(SelectorError);
  });
});

describe('parseFieldSelector', () => {
  it('matches metadata.name and metadata.namespace with = and !=', () => {
    const items = [obj('a', {}, 'x'), obj('b', {}, 'y')];
    expect(items.filter(parseFieldSelector('metadata.name=a', 'ConfigMap')).map((o) => o.metadata.name)).toEqual(['a']);
    expect(items.filter(parseFieldSelector('metadata.namespace!=x', 'ConfigMap')).map((o) => o.metadata.name)).toEqual([
      'b',
    ]);
  });

  it('supports kind-specific fields (events) and refuses unknown ones as the API server does', () => {
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'n' },
      involvedObject: { name: 'gw' },
    };
    expect(parseFieldSelector('involvedObject.name=gw', 'Event')(ev)).toBe(true);
    expect(() => parseFieldSelector('data.a=b', 'ConfigMap')).toThrow('field label not supported: data.a');
  });
});
