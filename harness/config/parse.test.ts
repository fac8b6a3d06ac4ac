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

/** The sentence a parse error gives, or a failure when it does not throw a UsageError. */
function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('durations (issue 9, defect 6)', () => {
  it.each(['--gateway-timeout', '--route-timeout', '--request-timeout', '--consistency-window', '--backends-timeout'])(
    '%s past Node timer limit (2^31-1 ms) is refused at parse time',
    (flag) => {
      expect(usageMessage(() => parse([flag, '3000000']))).toBe(
        `${flag} must be at most 2147483 seconds (Node's timer limit, about 24 days), got 3000000.`,
      );
      expect(parse([flag, '2147483']).timeouts).toBeDefined();
    },
  );

  it('in the config file too, naming the file and key', () => {
    const file = configFile('timeouts:\n  gateway: 3000000\n');
    expect(usageMessage(() => parse(['--config', file]))).toBe(
      `Config file ${file}: timeouts.gateway must be at most 2147483 seconds (Node's timer limit, about 24 days), got 3000000.`,
    );
  });

  it('a negative value after a space reads as the value, with the same sentence as --flag=-5', () => {
    const spaced = usageMessage(() => parse(['--gateway-timeout', '-5']));
    expect(spaced).toBe('--gateway-timeout must be a positive number, got "-5".');
    expect(usageMessage(() => parse(['--gateway-timeout=-5']))).toBe(spaced);
    expect(usageMessage(() => parse(['--listener-port', '-80']))).toBe(
      '--listener-port must be a positive number, got "-80".',
    );
    // A flag after a number flag is still a missing value, not a number.
    expect(usageMessage(() => parse(['--gateway-timeout', '--verbose']))).toMatch(
      /--gateway-timeout' argument is ambiguous/,
    );
  });
});

describe('config file types (issue 9, defect 9)', () => {
  it.each([
    ['namespace: [foo]\n', 'namespace must be a string, got a list'],
    ['listenerPort: [80]\n', 'listenerPort must be a number, got a list'],
    ['fixturesDir: {a: 1}\n', 'fixturesDir must be a string, got a mapping'],
    ['hostname:\n', 'hostname must be a string, got no value'],
    [
      'namespace: 123\n',
      'namespace must be a string, got the number 123 (YAML reads unquoted 123 as a number); quote it',
    ],
    ['keep: yes please\n', 'keep must be true or false, got a string'],
    ['suites: {routing: true}\n', 'suites must be a comma-separated string or a list, got a mapping'],
    ['profile: 5\n', 'profile must be a built-in profile name or a mapping, got the number 5'],
    ['timeouts: 5\n', 'timeouts must be a mapping such as `timeouts: {gateway: 300}`, got the number 5'],
    ['timeouts: {gateway: [1]}\n', 'timeouts.gateway must be a number, got a list'],
    ['timeouts: {gateway: true}\n', 'timeouts.gateway must be a number, got true (a boolean)'],
    ['reportDir: ""\n', 'reportDir must not be empty'],
  ])('%j is one sentence naming the file and key', (text, message) => {
    const file = configFile(text);
    const sentence = usageMessage(() => parse(['--config', file]));
    expect(sentence.startsWith(`Config file ${file}: ${message}`), sentence).toBe(true);
    expect(sentence.split('\n')).toHaveLength(1);
  });

  it('still takes numbers written as numbers or numeric strings, strings, and suites as a list', () => {
    const text = 'listenerPort: "8080"\ntimeouts: {gateway: 20}\nnamespace: demo\nsuites: [routing, gateway]\n';
    const o = parse(['--config', configFile(text)]);
    expect(o).toMatchObject({ listenerPort: 8080, namespace: 'demo', suites: ['routing', 'gateway'] });
    expect(o.timeouts.gatewayMs).toBe(20_000);
  });

  it('an implementation version YAML read as a number is refused, with the advice to quote it', () => {
    const file = configFile(
      [
        'profile:',
        '  name: acme',
        '  gatewayClassName: acme',
        '  controllerName: example.com/acme',
        '  implementation: {organization: o, project: p, version: 1.10}',
        '',
      ].join('\n'),
    );
    expect(usageMessage(() => parse(['--config', file, '--provider', 'sim', '--profile', 'acme']))).toBe(
      `Config file ${file}: profile.implementation.version must be a string, got the number 1.1 ` +
        '(YAML reads an unquoted version such as 1.10 as a number); quote it as you mean it, e.g. version: "1.10".',
    );
  });
});

describe('flag values (issue 9, defect 11)', () => {
  it.each([
    [['--report-dir', ''], '--report-dir must not be empty; give it a value or leave the flag out.'],
    [['--kubeconfig', ''], '--kubeconfig must not be empty; give it a value or leave the flag out.'],
    [['--fixtures', ''], '--fixtures must not be empty; give it a value or leave the flag out.'],
    [['--config', ''], '--config must not be empty; give it a value or leave the flag out.'],
  ])('%j is refused', (argv, message) => {
    expect(usageMessage(() => parse(argv))).toBe(message);
  });

  it.each([
    ['evil\u001b[31mred:1.0', /--httpbin-image "evil\\u001b\[31mred:1\.0" is not an image reference/],
    ['Httpbin:1', /--httpbin-image "Httpbin:1" is not an image reference/],
    ['httpbin:', /is not an image reference/],
    ['a b', /is not an image reference/],
  ])('--httpbin-image %j is refused, with control characters shown escaped', (image, message) => {
    const sentence = usageMessage(() => parse(['--httpbin-image', image]));
    expect(sentence).toMatch(message);
    expect(sentence).not.toMatch(/\u001b/);
  });

  it.each([
    'mccutchen/go-httpbin:2.25.0',
    'registry.example.com:5000/mirror/go-httpbin:2.25.0',
    'localhost/httpbin',
    'ghcr.io/o/httpbin@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
    'docker.io/alpine/socat:1.8.0.3@sha256:beb4a68d9e4fe6b0f21ea774a0fde6c31f580dde6368939ed70100c5385b015e',
  ])('--httpbin-image %s is an image reference', (image) => {
    expect(parse(['--httpbin-image', image]).httpbinImage).toBe(image);
  });

  it('--relay-image is checked the same way', () => {
    expect(usageMessage(() => parse(['--relay-image', 'bad image']))).toMatch(
      /--relay-image "bad image" is not an image reference/,
    );
  });
});
