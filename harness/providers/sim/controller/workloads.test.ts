import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../deep-freeze.ts';
import { podOwnedBy, templateHash } from './workloads.ts';

describe('workload naming', () => {
  it('the pod-template-hash is stable and changes with the template', () => {
    const t = { metadata: { labels: { app: 'x' } } };
    expect(templateHash(t)).toBe(templateHash({ metadata: { labels: { app: 'x' } } }));
    expect(templateHash(t)).not.toBe(templateHash({ metadata: { labels: { app: 'y' } } }));
    expect(templateHash(t)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    // A stored (deep-frozen) template's hash is remembered: the same as an equal template's.
    const stored = deepFreeze({ metadata: { labels: { app: 'y' } } });
    expect(templateHash(stored)).toBe(templateHash({ metadata: { labels: { app: 'y' } } }));
    expect(templateHash(stored)).toBe(templateHash(deepFreeze({ metadata: { labels: { app: 'y' } } })));
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
    // The suffix is exactly ten characters of the hash alphabet (no vowels).
    expect(podOwnedBy(pod('a-aaaaaaaaaa'), 'a')).toBe(false);
    expect(podOwnedBy(pod(`a-${hash}b`), 'a')).toBe(false);
    expect(podOwnedBy(pod(`a-${hash.slice(1)}`), 'a')).toBe(false);
    expect(podOwnedBy(pod(`a.${hash}`), 'a')).toBe(false);
  });
});
