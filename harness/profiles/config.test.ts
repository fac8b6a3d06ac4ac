import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { parseRunOptions } from '../config/parse.ts';
import { UsageError } from '../errors.ts';
import { packageRoot } from '../package-paths.ts';
import type { ProfileConfig } from './config.ts';
import { getProfile } from './index.ts';

const env = { XDG_CACHE_HOME: '/cache', KUBECONFIG: '/k/config' } as NodeJS.ProcessEnv;

const acme = () => ({
  name: 'acme',
  gatewayClassName: 'acme',
  controllerName: 'example.com/acme',
  implementation: { organization: 'example', project: 'acme-gateway', version: 'v1.2.3' },
});

/** A config file (plus any side files) in a fresh directory; returns the config file's path. */
function configDir(config: unknown, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kg-profile-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const file = join(dir, 'kindgate.yaml');
  writeFileSync(file, typeof config === 'string' ? config : stringify(config));
  return file;
}

const parseWith = (config: unknown, argv: string[] = ['--provider', 'existing'], files?: Record<string, string>) =>
  parseRunOptions('test', ['--config', configDir(config, files), ...argv], env);

function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('a vendor profile in the config file', () => {
  it('becomes a Profile with the documented defaults', () => {
    const options = parseWith({ profile: acme() });
    const profile = getProfile(options.profile);
    expect(profile).toMatchObject({
      name: 'acme',
      gatewayClassName: 'acme',
      controllerName: 'example.com/acme',
      supportedFeatures: ['Gateway', 'HTTPRoute', 'ReferenceGrant'],
      implementation: { organization: 'example', project: 'acme-gateway', version: 'v1.2.3', url: '', contact: [] },
      diagnostics: { controllerPods: [], gatewayPodSelector: 'gateway.networking.k8s.io/gateway-name={gateway}' },
      install: undefined,
    });
    // Default server header rule: present, any value.
    expect(profile.serverHeader.test('anything')).toBe(true);
    expect(profile.serverHeader.test('')).toBe(false);
  });

  it('takes every optional key, resolving install paths against the config file', () => {
    const options = parseWith(
      {
        profile: {
          ...acme(),
          serverHeader: '^envoy$',
          supportedFeatures: ['HTTPRouteQueryParamMatching'],
          implementation: {
            organization: 'example',
            project: 'acme-gateway',
            version: '1.2',
            url: 'https://example.com',
            contact: ['@example/maintainers'],
          },
          diagnostics: {
            controllerPods: [{ namespace: 'acme-system', labelSelector: 'app=acme' }],
            gatewayPodSelector: 'app={gateway}',
          },
          install: {
            command: ['./install.sh', '--wait'],
            manifests: ['class.yaml'],
            timeoutSeconds: 90,
            gatewayClassTimeoutSeconds: 30,
          },
        },
      },
      ['--provider', 'kind'],
      { 'class.yaml': 'kind: GatewayClass\n', 'install.sh': '#!/bin/sh\n' },
    );
    const config = options.profile as ProfileConfig;
    const dir = join(config.file, '..');
    const profile = getProfile(config);
    expect(profile.serverHeader.test('envoy')).toBe(true);
    expect(profile.serverHeader.test('istio-envoy')).toBe(false);
    expect(profile.supportedFeatures).toEqual([
      'Gateway',
      'HTTPRoute',
      'ReferenceGrant',
      'HTTPRouteQueryParamMatching',
    ]);
    expect(profile.implementation.version).toBe('1.2');
    expect(profile.diagnostics.controllerPods).toEqual([{ namespace: 'acme-system', labelSelector: 'app=acme' }]);
    expect(profile.install).toEqual({
      type: 'vendor',
      command: [join(dir, 'install.sh'), '--wait'],
      manifests: [join(dir, 'class.yaml')],
      timeoutMs: 90_000,
      gatewayClassTimeoutMs: 30_000,
    });
  });

  it('--profile NAME selects the profile the file defines; --profile istio the built-in one', () => {
    expect(
      getProfile(parseWith({ profile: acme() }, ['--provider', 'existing', '--profile', 'acme']).profile).name,
    ).toBe('acme');
    expect(
      getProfile(parseWith({ profile: acme() }, ['--provider', 'existing', '--profile', 'istio']).profile).name,
    ).toBe('istio');
  });

  const without = (key: keyof ReturnType<typeof acme>) => {
    const p: Record<string, unknown> = acme();
    delete p[key];
    return p;
  };
  it.each<[string, unknown, RegExp]>([
    ['missing name', without('name'), /profile\.name is required; set it to a DNS label/],
    ['a name that is no DNS label', { ...acme(), name: 'Acme_GW' }, /profile\.name "Acme_GW" is not a DNS label/],
    [
      'a built-in name',
      { ...acme(), name: 'istio' },
      /profile\.name "istio" is a built-in profile; write `profile: istio`/,
    ],
    ['missing gatewayClassName', without('gatewayClassName'), /profile\.gatewayClassName is required/],
    [
      'a bad gatewayClassName',
      { ...acme(), gatewayClassName: 'Acme Class' },
      /profile\.gatewayClassName "Acme Class" is not a valid object name/,
    ],
    [
      'missing controllerName',
      without('controllerName'),
      /profile\.controllerName is required; set it to a domain-prefixed path/,
    ],
    [
      'a controllerName without a domain',
      { ...acme(), controllerName: 'acme' },
      /profile\.controllerName "acme" is not a domain-prefixed path/,
    ],
    [
      'a controllerName with an upper-case domain',
      { ...acme(), controllerName: 'Example.com/acme' },
      /is not a domain-prefixed path/,
    ],
    [
      'a broken serverHeader regex',
      { ...acme(), serverHeader: '(envoy' },
      /profile\.serverHeader is not a valid regular expression/,
    ],
    [
      'an unknown feature',
      { ...acme(), supportedFeatures: ['HTTPRouteQueryParamMatching', 'TeleportRouting'] },
      /profile\.supportedFeatures names unknown feature\(s\) TeleportRouting; use upstream/,
    ],
    [
      'features as a string',
      { ...acme(), supportedFeatures: 'HTTPRouteQueryParamMatching' },
      /profile\.supportedFeatures must be a list of non-empty strings/,
    ],
    [
      'missing implementation',
      without('implementation'),
      /profile\.implementation is required for the ConformanceReport/,
    ],
    [
      'missing implementation.version',
      { ...acme(), implementation: { organization: 'o', project: 'p' } },
      /profile\.implementation\.version is required/,
    ],
    [
      'an empty implementation.organization',
      { ...acme(), implementation: { organization: '', project: 'p', version: '1' } },
      /profile\.implementation\.organization must be a non-empty string, got ""/,
    ],
    [
      'an unknown key',
      { ...acme(), gatewayClass: 'acme' },
      /profile\.gatewayClass is not a known key; valid keys under profile are name, gatewayClassName/,
    ],
    [
      'an unknown implementation key',
      { ...acme(), implementation: { ...acme().implementation, email: 'x' } },
      /profile\.implementation\.email is not a known key/,
    ],
    [
      'a controller pod without selector',
      { ...acme(), diagnostics: { controllerPods: [{ namespace: 'acme-system' }] } },
      /profile\.diagnostics\.controllerPods\[0\]\.labelSelector is required/,
    ],
    [
      'a shell-string command',
      { ...acme(), install: { command: 'helm install acme ./chart' } },
      /profile\.install\.command is a string, but kindgate runs no shell; write it as an argument array/,
    ],
    [
      'an empty install',
      { ...acme(), install: { timeoutSeconds: 5 } },
      /profile\.install has neither a command nor manifests/,
    ],
    [
      'a negative install timeout',
      { ...acme(), install: { manifests: ['a.yaml'], timeoutSeconds: -1 } },
      /profile\.install\.timeoutSeconds must be a positive number of seconds, got -1/,
    ],
    [
      "an install timeout past Node's timer limit",
      { ...acme(), install: { manifests: ['a.yaml'], gatewayClassTimeoutSeconds: 3_000_000 } },
      /profile\.install\.gatewayClassTimeoutSeconds must be at most 2147483 seconds \(Node's timer limit\), got 3000000/,
    ],
    ['a list instead of a mapping', ['acme'], /profile must be a mapping/],
  ])('rejects %s with one sentence naming the file and key', (_case, profile, message) => {
    const error = usageError(() => parseWith({ profile }));
    expect(error.message).toMatch(/^Config file \/.*kindgate\.yaml: /);
    expect(error.message).toMatch(message);
    expect(error.message.trim().split(/[.;] [A-Z]/)).toHaveLength(1); // one sentence
    expect(error.exitCode).toBe(2);
  });

  it('--provider kind needs an install step whose files exist', () => {
    expect(usageError(() => parseWith({ profile: acme() }, ['--provider', 'kind'])).message).toMatch(
      /kindgate\.yaml: profile "acme" has no install step, so --provider kind cannot install it; add profile\.install .* or use --provider existing/,
    );
    expect(
      usageError(() =>
        parseWith({ profile: { ...acme(), install: { manifests: ['missing.yaml'] } } }, ['--provider', 'kind']),
      ).message,
    ).toMatch(
      /profile\.install\.manifests\[0\] \/.*\/missing\.yaml does not exist; paths are relative to the config file/,
    );
    expect(
      usageError(() =>
        parseWith({ profile: { ...acme(), install: { command: ['./nope.sh'] } } }, ['--provider', 'kind']),
      ).message,
    ).toMatch(/profile\.install\.command program \/.*\/nope\.sh does not exist/);
    // The same profile is fine where kindgate installs nothing.
    expect(() =>
      parseWith({ profile: { ...acme(), install: { manifests: ['missing.yaml'] } } }, ['--provider', 'existing']),
    ).not.toThrow();
  });

  it('an unknown built-in name points to defining one', () => {
    const options = parseRunOptions('test', ['--profile', 'acme'], env);
    expect(usageError(() => getProfile(options.profile)).message).toMatch(
      /Unknown profile "acme"; built-in profiles are: istio \(define your own under profile: in a --config file\)/,
    );
  });
});

describe("the README's vendor example", () => {
  it('is a valid config file for both the existing and the kind provider', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## For vendors'),
      readme.indexOf('\n## ', readme.indexOf('## For vendors') + 1),
    );
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const manifests = (parseYaml(example!) as { profile: { install: { manifests: string[] } } }).profile.install
      .manifests;
    const files = Object.fromEntries(
      manifests.map((m) => [m, 'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n']),
    );
    for (const provider of ['existing', 'kind']) {
      const options = parseWith(example, ['--provider', provider], files);
      const profile = getProfile(options.profile);
      expect(profile).toMatchObject({
        name: 'acme',
        gatewayClassName: 'acme',
        controllerName: 'example.com/acme-controller',
        install: { type: 'vendor' },
      });
      expect(profile.implementation).toMatchObject({
        organization: 'example',
        project: 'acme-gateway',
        version: 'v1.2.3',
      });
      expect(options.timeouts.gatewayMs).toBe(300_000);
    }
  });
});
