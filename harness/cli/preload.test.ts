import { describe, expect, it } from 'vitest';
import { register } from 'tsx/cjs/api';
import { DETACHED_STATE_ENV } from '../run/detached-state.ts';
import { COMMAND_RUNNER, KUBERNETES_CLIENT, librariesToPreload, VITEST_NODE_API } from './preload.ts';

const env = { XDG_CACHE_HOME: '/tmp/kg-preload-cache' } as NodeJS.ProcessEnv;
const preload = (...argv: string[]) => librariesToPreload(argv, env);

describe('librariesToPreload: what the launcher loads before tsx hooks, asked of the option parser', () => {
  it('a run that reaches a cluster: the Kubernetes client, vitest for test, the command runner for kind and conformance', () => {
    expect(preload('test', '--provider', 'sim')).toEqual([KUBERNETES_CLIENT, VITEST_NODE_API]);
    expect(preload('test', '--provider', 'kind', '--suites', 'gateway')).toEqual([
      KUBERNETES_CLIENT,
      VITEST_NODE_API,
      COMMAND_RUNNER,
    ]);
    expect(preload('up', '--provider', 'sim')).toEqual([KUBERNETES_CLIENT]);
    expect(preload('up', '--provider', 'kind', '--detach')).toEqual([KUBERNETES_CLIENT, COMMAND_RUNNER]);
    expect(preload('conformance', '--provider', 'sim')).toEqual([KUBERNETES_CLIENT, COMMAND_RUNNER]);
  });

  it('gc: only the command runner (it lists through the engine, with --dry-run too)', () => {
    expect(preload('gc')).toEqual([COMMAND_RUNNER]);
    expect(preload('gc', '--dry-run')).toEqual([COMMAND_RUNNER]);
    expect(preload('gc', '--bogus')).toEqual([]);
  });

  it('a command line the parser refuses: nothing (main says why)', () => {
    expect(preload('test', '--provider', 'sim', '--bogus')).toEqual([]);
    expect(preload('test', '--provider', 'bogus')).toEqual([]);
    expect(preload('up', '--gateway-timeout', '-5')).toEqual([]);
    expect(preload('up', '--provider', 'sim', '--namespace', 'Not_A_Label')).toEqual([]);
  });

  it('help, plans and down: nothing', () => {
    expect(preload('test', '--help')).toEqual([]);
    expect(preload('up', '-h')).toEqual([]);
    expect(preload('test', '--provider', 'kind', '--dry-run')).toEqual([]);
    expect(preload('up', '--provider', 'kind', '--dry-run')).toEqual([]);
    expect(preload('gc', '--help')).toEqual([]);
    expect(preload('down', '--all')).toEqual([]);
    expect(preload()).toEqual([]);
    expect(preload('frobnicate')).toEqual([]);
  });

  it('up --provider sim --detach: nothing for the parent, the client for the background process it starts', () => {
    expect(preload('up', '--provider', 'sim', '--detach')).toEqual([]);
    const background = { ...env, [DETACHED_STATE_ENV]: '/tmp/kg-record' };
    expect(librariesToPreload(['up', '--provider', 'sim', '--detach'], background)).toEqual([KUBERNETES_CLIENT]);
  });

  it('loads through tsx’s require hook as scripts/kindgate.js loads it (before any ES module hook exists)', () => {
    const scoped = register({ namespace: 'kindgate-preload-test' });
    try {
      const loaded = scoped.require('./preload.ts', import.meta.url) as typeof import('./preload.ts');
      expect(loaded.librariesToPreload(['test', '--provider', 'sim'], env)).toEqual([
        KUBERNETES_CLIENT,
        VITEST_NODE_API,
      ]);
      expect(loaded.librariesToPreload(['test', '--bogus'], env)).toEqual([]);
    } finally {
      scoped.unregister();
    }
  });
});
