import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../log.ts';
import { kindOptions } from './fake-deps.test-helper.ts';
import { planKindRun } from './plan.ts';
import { checkNodeVersion, engineError, preflight, type PreflightDeps } from './preflight.ts';
import { CommandError } from '../../exec.ts';
import { istioProfile } from '../../profiles/istio.ts';

const options = () =>
  kindOptions({
    namespace: 'n',
    hostname: 'h',
    clusterName: 'kindgate-p',
    reportDir: 'r',
    verbose: false,
  });

function deps(headFails: Set<string>, heads: string[]): PreflightDeps {
  return {
    nodeVersion: '22.12.0',
    which: async () => undefined,
    run: async () => ({ stdout: '', stderr: '', exitCode: 0 }),
    download: {
      toFile: async () => ({ sha256: '', bytes: 0 }),
      text: async () => '',
      head: async (url) => {
        heads.push(url);
        if (headFails.has(url))
          throw Object.assign(new TypeError('fetch failed'), { cause: new Error('getaddrinfo ENOTFOUND github.com') });
        return 200;
      },
    },
  };
}

describe('preflight', () => {
  const plan = planKindRun(options(), istioProfile, { platform: 'linux', arch: 'x64', env: {} });

  it('probes each download host once when nothing is cached', async () => {
    const heads: string[] = [];
    await preflight(plan, deps(new Set(), heads), createMemoryLogger());
    expect(heads.sort()).toEqual([
      'https://github.com',
      'https://kind.sigs.k8s.io',
      'https://raw.githubusercontent.com',
    ]);
  });

  it('without network to a download host: one sentence, exit 3, pointing to --provider sim', async () => {
    const error = await preflight(plan, deps(new Set(['https://github.com']), []), createMemoryLogger()).catch(
      (e) => e,
    );
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(
      /^Cannot reach https:\/\/github\.com \(getaddrinfo ENOTFOUND github\.com\), needed to download .*--provider sim\.$/,
    );
  });

  it('checks the Node.js version', () => {
    expect(() => checkNodeVersion('20.19.0', '20.19.0')).not.toThrow();
    expect(() => checkNodeVersion('v22.1.0', '20.19.0')).not.toThrow();
    expect(() => checkNodeVersion('20.18.3', '20.19.0')).toThrow(
      /needs Node\.js 20\.19\.0 or newer, this is 20\.18\.3/,
    );
  });

  it('a missing engine command says what to install: Docker (also Windows via WSL 2), or the engine KIND_EXPERIMENTAL_PROVIDER chose', () => {
    const missing = (file: string) => new CommandError(`${file} info`, undefined, '', 'not-found', 'not found');
    expect(engineError('docker', missing('docker')).message).toBe(
      'The docker command is not installed; install Docker Engine (Linux) or Docker Desktop (macOS, Windows via WSL 2) and retry, or for an offline try use --provider sim.',
    );
    expect(engineError('nerdctl', missing('nerdctl')).message).toBe(
      'The nerdctl command is not installed; install nerdctl (KIND_EXPERIMENTAL_PROVIDER=nerdctl chose it), or unset KIND_EXPERIMENTAL_PROVIDER to use docker, and retry, or for an offline try use --provider sim.',
    );
  });
});
