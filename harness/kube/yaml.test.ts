import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifests } from './yaml.ts';

describe('parseManifests', () => {
  it('keeps document order, skips empty documents and comments', () => {
    const objects = parseManifests(`
---
# a comment only
---
apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
---
apiVersion: v1
kind: Service
metadata:
  name: httpbin
  namespace: apps
`);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/apps', 'Service/httpbin']);
  });

  it('expands List kinds in place', () => {
    const objects = parseManifests(`
apiVersion: v1
kind: ConfigMap
metadata: {name: first}
---
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: last}
`);
    expect(objects.map((o) => o.metadata.name)).toEqual(['first', 'a', 'b', 'last']);
  });

  it('returns nothing for empty text', () => {
    expect(parseManifests('')).toEqual([]);
    expect(parseManifests('---\n---\n')).toEqual([]);
  });

  it('names the document that is not an object or lacks identity', () => {
    expect(() =>
      parseManifests(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n- just\n- a list\n',
        'fixtures/x.yaml',
      ),
    ).toThrow(/fixtures\/x.yaml: document 2 is not a Kubernetes object/);
    expect(() => parseManifests('kind: ConfigMap\nmetadata: {}\n')).toThrow(
      /document 1 lacks apiVersion, metadata.name/,
    );
    expect(() => parseManifests('a: [unclosed\n')).toThrow(ManifestError);
  });

  it('carries what is wrong, and the line of bad YAML, for callers that word the error their own way', () => {
    const problemOf = (text: string) => {
      try {
        parseManifests(text, 'x.yaml');
      } catch (error) {
        expect(error).toBeInstanceOf(ManifestError);
        return (error as ManifestError).problem;
      }
      throw new Error('no ManifestError');
    };
    expect(problemOf('apiVersion: v1\nkind: X\nmetadata: {name: n}\n---\n  bad: indent\n wrong: 1\n')).toMatchObject({
      type: 'invalid-yaml',
      document: 2,
      line: 6,
    });
    expect(problemOf('- a\n')).toEqual({ type: 'not-an-object' });
    expect(problemOf('apiVersion: v1\nkind: List\nitems:\n- {kind: X}\n')).toEqual({
      type: 'missing-identity',
      missing: ['apiVersion', 'metadata.name'],
    });
  });

  it("parses a 30k-key ConfigMap in linear time (yaml's own duplicate-key check is quadratic), still refusing duplicate keys", () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: big}', 'data:'];
    for (let i = 0; i < 30_000; i++) lines.push(`  key${i}: "value-${i}-${'x'.repeat(40)}"`);
    const started = performance.now();
    const [configMap] = parseManifests(lines.join('\n'));
    // Quadratic, this took 14 s on the CI machine; linear, well under one.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(Object.keys(configMap.data as object)).toHaveLength(30_000);

    const problem = (text: string) => {
      try {
        parseManifests(text, 'x.yaml');
      } catch (error) {
        return { message: (error as Error).message, problem: (error as ManifestError).problem };
      }
      throw new Error('no ManifestError');
    };
    const duplicate = problem('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  k: 1\n  j: 2\n  k: 3\n');
    expect(duplicate.problem).toMatchObject({ type: 'invalid-yaml', document: 1, line: 7 });
    expect(duplicate.message).toBe(
      'x.yaml: document 1 is not valid YAML (Map keys must be unique at line 7, column 3:); fix the manifest.',
    );
    expect(problem('apiVersion: v1\nkind: X\nmetadata: {name: n}\n---\nb: {x: 1, x: 2}\n').problem).toMatchObject({
      type: 'invalid-yaml',
      document: 2,
      line: 5,
    });
  });
});
