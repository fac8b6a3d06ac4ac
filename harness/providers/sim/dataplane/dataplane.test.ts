import { describe, expect, it } from 'vitest';
import { applyHeaderModifier, pickWeighted, toHeaderMap } from './dataplane.ts';
import { canonicalHeaderName, exposedEnv } from './httpbin.ts';
import { podOwnedBy, templateHash } from '../controller/workloads.ts';

describe('pickWeighted', () => {
  const items = [
    { id: 'a', weight: 1 },
    { id: 'zero', weight: 0 },
    { id: 'b', weight: 3 },
  ];

  it('splits by weight and never picks weight 0', () => {
    expect(pickWeighted(items, () => 0)?.id).toBe('a');
    expect(pickWeighted(items, () => 0.24)?.id).toBe('a');
    expect(pickWeighted(items, () => 0.25)?.id).toBe('b');
    expect(pickWeighted(items, () => 0.999)?.id).toBe('b');
  });

  it('has nothing to pick when all weights are 0 or there are no backends', () => {
    expect(pickWeighted([{ weight: 0 }], () => 0.5)).toBeUndefined();
    expect(pickWeighted([], () => 0.5)).toBeUndefined();
  });
});

describe('header modifiers', () => {
  it('set replaces, add appends, remove deletes, names are case-insensitive', () => {
    const headers = toHeaderMap(['Host', 'h', 'X-Keep', '1', 'X-Replace', 'old', 'X-Add', 'first', 'X-Drop', 'x']);
    applyHeaderModifier(headers, {
      set: [{ name: 'x-replace', value: 'new' }],
      add: [{ name: 'X-ADD', value: 'second' }],
      remove: ['x-drop'],
    });
    expect(Object.fromEntries(headers)).toEqual({
      host: ['h'],
      'x-keep': ['1'],
      'x-replace': ['new'],
      'x-add': ['first', 'second'],
    });
  });
});

describe('httpbin helpers', () => {
  it('canonicalizes header names as Go does', () => {
    expect(canonicalHeaderName('x-version')).toBe('X-Version');
    expect(canonicalHeaderName('USER-AGENT')).toBe('User-Agent');
  });

  it('exposes only HTTPBIN_ENV_ variables, null when there are none', () => {
    expect(exposedEnv({ HTTPBIN_ENV_VERSION: 'v2', PATH: '/bin' })).toEqual({ HTTPBIN_ENV_VERSION: 'v2' });
    expect(exposedEnv({ PATH: '/bin' })).toBeNull();
  });
});

describe('workload naming', () => {
  it('the pod-template-hash is stable and changes with the template', () => {
    const t = { metadata: { labels: { app: 'x' } } };
    expect(templateHash(t)).toBe(templateHash({ metadata: { labels: { app: 'x' } } }));
    expect(templateHash(t)).not.toBe(templateHash({ metadata: { labels: { app: 'y' } } }));
    expect(templateHash(t)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
  });

  it('tells pods of Deployment "a" from pods of Deployment "a-b"', () => {
    const pod = (rs: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${rs}-xxxxx`, ownerReferences: [{ kind: 'ReplicaSet', name: rs }] },
    });
    const hash = templateHash({});
    expect(podOwnedBy(pod(`a-${hash}`), 'a')).toBe(true);
    expect(podOwnedBy(pod(`a-b-${hash}`), 'a')).toBe(false);
    expect(podOwnedBy(pod(`a-b-${hash}`), 'a-b')).toBe(true);
  });
});
