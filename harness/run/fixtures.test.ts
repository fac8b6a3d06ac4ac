import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { builtinFixturesDir, loadFixtures, MAX_FIXTURE_BYTES, renderTemplate, type FixtureValues } from './fixtures.ts';

const values: FixtureValues = {
  namespace: 'apps-ns',
  gatewayNamespace: 'gw-ns',
  gatewayClassName: 'istio',
  hostname: 'httpbin.example.com',
  listenerPort: 8080,
  httpbinImage: 'mirror.local/go-httpbin:2.25.0',
};

describe('fixtures', () => {
  it('renders the built-in set with every templated value in place', () => {
    const objects = loadFixtures(builtinFixturesDir, values).flatMap((f) => f.objects);
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
    expect(byKind('Namespace').map((o) => o.metadata.name)).toEqual(['gw-ns', 'apps-ns']);
    const gateway = byKind('Gateway')[0] as any;
    expect(gateway.metadata).toMatchObject({ name: 'external-gateway', namespace: 'gw-ns' });
    expect(gateway.spec.gatewayClassName).toBe('istio');
    expect(gateway.spec.listeners[0]).toMatchObject({
      name: 'http',
      protocol: 'HTTP',
      port: 8080,
      allowedRoutes: { namespaces: { from: 'All' } },
    });
    const route = byKind('HTTPRoute')[0] as any;
    expect(route.metadata).toMatchObject({ name: 'httpbin-route', namespace: 'apps-ns' });
    expect(route.spec.hostnames).toEqual(['httpbin.example.com']);
    expect(route.spec.parentRefs[0]).toMatchObject({ name: 'external-gateway', namespace: 'gw-ns' });
    expect(route.spec.rules[0]).toMatchObject({
      matches: [{ headers: [{ type: 'Exact', name: 'x-version', value: 'v2' }] }],
      backendRefs: [{ name: 'httpbin-v2', port: 80 }],
    });
    expect(route.spec.rules[1].backendRefs).toEqual([{ name: 'httpbin', port: 80 }]);
    const deployments = byKind('Deployment') as any[];
    expect(deployments.map((d) => [d.metadata.name, d.spec.template.spec.containers[0].env])).toEqual([
      ['httpbin', [{ name: 'HTTPBIN_ENV_VERSION', value: 'v1' }]],
      ['httpbin-v2', [{ name: 'HTTPBIN_ENV_VERSION', value: 'v2' }]],
    ]);
    expect(deployments.every((d) => d.spec.template.spec.containers[0].image === values.httpbinImage)).toBe(true);
    expect(
      byKind('Service').map((s: any) => [s.metadata.name, s.spec.ports[0].port, s.spec.ports[0].targetPort]),
    ).toEqual([
      ['httpbin', 80, 8080],
      ['httpbin-v2', 80, 8080],
    ]);
  });

  it('names the file, line and the known placeholders for an unknown one', () => {
    expect(() => renderTemplate('a: 1\nname: {{ gatewayname }}\n', values, 'my/route.yaml')).toThrowError(
      /my\/route\.yaml:2: unknown placeholder \{\{ gatewayname \}\}; use one of \{\{namespace\}\}/,
    );
  });

  it('rejects a missing directory, an empty one and invalid YAML with usage errors', () => {
    expect(() => loadFixtures('/nonexistent/fixtures', values)).toThrowError(UsageError);
    const empty = mkdtempSync(join(tmpdir(), 'kg-fx-'));
    expect(() => loadFixtures(empty, values)).toThrowError(/has no \.yaml files/);
    writeFileSync(join(empty, 'bad.yaml'), 'kind: [unclosed\n');
    expect(() => loadFixtures(empty, values)).toThrowError(/bad\.yaml.*invalid YAML/);
    writeFileSync(
      join(empty, 'bad.yaml'),
      'apiVersion: v1\nkind: X\nmetadata: {name: n}\n---\n  bad: indent\n wrong: 1\n',
    );
    expect(() => loadFixtures(empty, values)).toThrowError(/bad\.yaml:6: invalid YAML \(Unexpected scalar/);
  });

  it('expands List documents and rejects objects without a name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-fx-'));
    writeFileSync(
      join(dir, 'a.yaml'),
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: "{{namespace}}"}}\n',
    );
    expect(loadFixtures(dir, values)[0].objects.map((o) => o.metadata.name)).toEqual(['apps-ns']);
    writeFileSync(join(dir, 'b.yaml'), 'apiVersion: v1\nkind: Namespace\n');
    expect(() => loadFixtures(dir, values)).toThrowError(
      /b\.yaml: every document needs apiVersion, kind and metadata\.name/,
    );
  });

  const fixtureError = (dir: string) => {
    try {
      loadFixtures(dir, values);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error('no UsageError');
  };

  it('a symlink loop or an unreadable entry is a usage error naming the file (issue 9, defect 7)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-fx-'));
    symlinkSync('loop.yaml', join(dir, 'loop.yaml'));
    expect(fixtureError(dir)).toBe(
      `Fixture ${relative(process.cwd(), join(dir, 'loop.yaml'))} cannot be read (ELOOP: a loop of symbolic links); fix or remove it.`,
    );
    const sub = mkdtempSync(join(tmpdir(), 'kg-fx-'));
    mkdirSync(join(sub, 'dir.yaml'));
    expect(fixtureError(sub)).toBe(
      `Fixture ${relative(process.cwd(), join(sub, 'dir.yaml'))} cannot be read (EISDIR: a directory); fix or remove it.`,
    );
  });

  it('a FIFO among the fixtures is refused without being opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-fx-'));
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    expect(fixtureError(dir)).toBe(
      `Fixture ${relative(process.cwd(), join(dir, 'pipe.yaml'))} is not a regular file; remove it from the fixture directory.`,
    );
  });

  it('a List with a null item names the file and the item (issue 9, defect 7)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-fx-'));
    writeFileSync(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMapList\nitems: [null]\n');
    expect(fixtureError(dir)).toMatch(/a\.yaml: document 1, item 1 is not a Kubernetes object/);
  });

  it(`a fixture file over ${MAX_FIXTURE_BYTES} bytes is refused unread, naming the file and the limit (issue 9, defect 8)`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-fx-'));
    const path = join(dir, 'big.yaml');
    writeFileSync(
      path,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  a: "${'x'.repeat(MAX_FIXTURE_BYTES)}"\n`,
    );
    const size = statSync(path).size;
    expect(fixtureError(dir)).toBe(
      `Fixture ${relative(process.cwd(), path)} is ${size} bytes, over the 1 MiB limit of a fixture file (the API server takes at most 1.5 MiB per object); split it or make it smaller.`,
    );
  });
});
