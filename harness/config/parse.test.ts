import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { flagSpecs } from './flags.ts';
import { parseRunOptions } from './parse.ts';

const env = { XDG_CACHE_HOME: '/cache' } as NodeJS.ProcessEnv;
const parse = (argv: string[], e = env) => parseRunOptions('test', argv, e);

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kg-cfg-')), 'kindgate.yaml');
  writeFileSync(file, text);
  return file;
}

describe('run options', () => {
  it('defaults to the kind provider, istio, the upstream timeouts and per-run namespaces', () => {
    const o = parse([]);
    expect(o).toMatchObject({
      provider: 'kind',
      profile: 'istio',
      hostname: 'httpbin.example.com',
      listenerPort: 80,
      reach: 'auto',
      channel: 'standard',
      keep: false,
      reuse: false,
    });
    expect(o.ownedNamespaces).toEqual([o.namespace, o.gatewayNamespace]);
    expect(o.timeouts).toEqual({
      gatewayMs: 180_000,
      routeMs: 60_000,
      requestMs: 10_000,
      consistencyMs: 30_000,
      consecutive: 3,
      backendsMs: 180_000,
    });
    expect(o.namespace).toMatch(/^kindgate-[0-9a-f]{6}$/);
    expect(o.gatewayNamespace).toBe(`${o.namespace}-gateway`);
    expect(o.clusterName).toMatch(/^kindgate-[0-9a-f]{6}$/);
    expect(o.cacheDir).toBe('/cache/kindgate');
    expect(o.httpbinImage).toBe('ghcr.io/mccutchen/go-httpbin:2.25.0');
  });

  it('takes flags in seconds and stores milliseconds; prefixes cluster names', () => {
    const o = parse([
      '--provider',
      'kind',
      '--gateway-timeout',
      '5',
      '--consecutive',
      '5',
      '--name',
      'dev',
      '--namespace',
      'demo',
    ]);
    expect(o.timeouts.gatewayMs).toBe(5000);
    expect(o.timeouts.consecutive).toBe(5);
    expect(o.clusterName).toBe('kindgate-dev');
    expect(o).toMatchObject({ namespace: 'demo', gatewayNamespace: 'demo-gateway', ownedNamespaces: [] });
    // A namespace the user names (here istio-system) is never kindgate's to delete.
    const given = parse(['--gateway-namespace', 'istio-system']);
    expect(given.ownedNamespaces).toEqual([given.namespace]);
  });

  it.each([
    [['--provider', 'minikube'], /--provider must be one of kind, sim, existing, got "minikube"/],
    [['--listener-port', '70000'], /--listener-port must be an integer from 1 to 65535/],
    [['--gateway-timeout', 'soon'], /--gateway-timeout must be a positive number, got "soon"/],
    [['--namespace', 'Bad_NS'], /--namespace "Bad_NS" is not a valid namespace name/],
    [['--hostname', 'not a host'], /--hostname "not a host" is not a valid DNS name/],
    [['--reuse'], /--reuse needs --name/],
    [['--frobnicate'], /kindgate test: Unknown option '--frobnicate'; see kindgate test --help\./],
    [['--context', 'prod'], /--context only applies to --provider existing/],
    [['--provider', 'existing'], /--provider existing needs a kubeconfig/],
    [
      ['--provider', 'sim', '--keep'],
      /--keep applies to --provider kind or existing, not sim; remove it; to keep a simulated cluster serving, use `kindgate up --provider sim`\./,
    ],
    [['--provider', 'sim', '--name', 'dev'], /--name applies to --provider kind, not sim/],
    [['--provider', 'sim', '--preload-images'], /--preload-images applies to --provider kind, not sim/],
    [['--provider', 'kind', '--allow-existing'], /--allow-existing applies to --provider existing, not kind/],
    [['--suites', 'routing,tls'], /--suites has unknown suite "tls"; use a comma-separated list of gateway, httproute/],
  ])('rejects %j with one sentence', (argv, message) => {
    let caught: unknown;
    try {
      parse(argv as string[]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as UsageError).exitCode).toBe(2);
  });

  it('reads a config file, with flags winning over it', () => {
    const file = configFile(
      'provider: existing\nkubeconfig: /k\nhostname: app.example.org\ntimeouts:\n  gateway: 20\n  consecutive: 4\nkeep: true\n',
    );
    const o = parse(['--config', file, '--hostname', 'flag.example.org']);
    expect(o).toMatchObject({ provider: 'existing', hostname: 'flag.example.org', keep: true });
    expect(o.timeouts).toMatchObject({ gatewayMs: 20_000, consecutive: 4 });
  });

  it('names the config file and the bad key', () => {
    expect(() => parse(['--config', configFile('provder: sim\n')])).toThrowError(
      /kindgate\.yaml: unknown key "provder"; valid keys are provider/,
    );
    expect(() => parse(['--config', configFile('keep: yes please\n')])).toThrowError(/keep must be true or false/);
    expect(() => parse(['--config', '/nope.yaml'])).toThrowError(/Config file \/nope\.yaml cannot be read/);
  });

  it('takes a list of suites', () => {
    expect(parse(['--suites', 'routing, header-routing,routing']).suites).toEqual(['routing', 'header-routing']);
    expect(parse([]).suites).toBeUndefined();
  });

  it('uses KUBECONFIG for the existing provider', () => {
    expect(parse(['--provider', 'existing'], { ...env, KUBECONFIG: '/k/a:/k/b' }).kubeconfig).toBe('/k/a');
  });

  it('documents every flag once', () => {
    const flags = flagSpecs.map((f) => f.flag);
    expect(new Set(flags).size).toBe(flags.length);
    expect(flagSpecs.every((f) => f.help.length > 10)).toBe(true);
  });
});
