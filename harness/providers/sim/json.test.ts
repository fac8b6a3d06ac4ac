import { describe, expect, it } from 'vitest';
import { deepFreeze, isDeepFrozen } from './deep-freeze.ts';
import { canonicalJson, sameJson } from './json.ts';

describe('canonical JSON', () => {
  it('sorts keys, drops undefined members, and writes undefined array items as null', () => {
    expect(canonicalJson({ b: 1, a: [undefined, { d: 'x', c: null }], u: undefined })).toBe(
      '{"a":[null,{"c":null,"d":"x"}],"b":1}',
    );
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1, x: undefined })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });

  it('gives a deep-frozen value the text of an equal unfrozen one, and trusts no shallow freeze', () => {
    const plain = { spec: { b: [1, { c: 'x' }], a: 'y' }, status: { conditions: [] } };
    const stored = deepFreeze(structuredClone(plain));
    expect(isDeepFrozen(stored.spec.b)).toBe(true);
    expect(canonicalJson(stored)).toBe(canonicalJson(plain));
    expect(canonicalJson(stored)).toBe(canonicalJson(stored)); // the remembered text
    // A shallow freeze leaves the inside changeable: its text follows the change.
    const inner = { n: 1 };
    const shallow = Object.freeze({ inner });
    expect(canonicalJson(shallow)).toBe('{"inner":{"n":1}}');
    inner.n = 2;
    expect(canonicalJson(shallow)).toBe('{"inner":{"n":2}}');
  });
});
