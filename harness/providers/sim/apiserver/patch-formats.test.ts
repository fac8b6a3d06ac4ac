import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, PatchError } from './patch-formats.ts';

describe('mergePatch', () => {
  it('merges maps, replaces lists and deletes nulls (RFC 7386)', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({
      a: { b: 1, d: 3 },
      l: [3],
    });
  });
});

describe('jsonPatch', () => {
  const doc = { spec: { listeners: [{ name: 'http', port: 80 }] } };
  it('applies add, replace, remove, move, copy and test', () => {
    const out = jsonPatch(doc, [
      { op: 'replace', path: '/spec/listeners/0/port', value: 8080 },
      { op: 'add', path: '/spec/listeners/-', value: { name: 'b', port: 81 } },
      { op: 'copy', from: '/spec/listeners/1/port', path: '/spec/copied' },
      { op: 'move', from: '/spec/copied', path: '/spec/moved' },
      { op: 'remove', path: '/spec/listeners/1' },
      { op: 'test', path: '/spec/moved', value: 81 },
    ]);
    expect(out).toEqual({ spec: { listeners: [{ name: 'http', port: 8080 }], moved: 81 } });
    expect(doc.spec.listeners[0].port).toBe(80);
  });
  it('fails on missing paths and failed tests', () => {
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/spec/nope' }])).toThrow(PatchError);
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/spec/listeners/0/port', value: 1 }])).toThrow('test failed');
  });
});
