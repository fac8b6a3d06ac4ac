import { describe, expect, it } from 'vitest';
import { parseDownOptions } from './down-options.ts';
import { parseRunOptions } from './parse.ts';

describe('kindgate down options', () => {
  const env = { XDG_CACHE_HOME: '/home/u/.cache' };

  it('take exactly one of --kubeconfig, --name, --all; --name gets the kindgate- prefix', () => {
    expect(parseDownOptions(['--kubeconfig', '/tmp/kc'], env)).toEqual({
      kubeconfig: '/tmp/kc',
      all: false,
      cacheDir: '/home/u/.cache/kindgate',
      verbose: false,
    });
    expect(parseDownOptions(['--name', 'dev'], env).name).toBe('kindgate-dev');
    expect(parseDownOptions(['--name', 'kindgate-dev'], env).name).toBe('kindgate-dev');
    expect(parseDownOptions(['--all', '--cache-dir', '/c'], env)).toMatchObject({ all: true, cacheDir: '/c' });
  });

  it.each([
    [[], /needs one of --kubeconfig FILE, --name NAME or --all/],
    [['--all', '--name', 'x'], /needs one of/],
    [['--provider', 'sim', '--all'], /kindgate down: Unknown option '--provider'/],
    [['--name', ''], /--name must not be empty/],
  ])('refuse %j', (argv, message) => {
    expect(() => parseDownOptions(argv, env)).toThrow(message);
  });
});

describe('up --detach options', () => {
  it('sim and kind only; a detached sim takes --name', () => {
    expect(parseRunOptions('up', ['--provider', 'sim', '--detach', '--name', 'dev'])).toMatchObject({
      detach: true,
      clusterName: 'kindgate-dev',
    });
    expect(parseRunOptions('up', ['--provider', 'kind', '--detach']).detach).toBe(true);
  });

  it.each([
    [['--provider', 'existing', '--kubeconfig', '/x', '--detach'], /--detach applies to --provider sim or kind/],
    [['--provider', 'kind', '--detach', '--keep'], /--detach and --keep do not go together/],
    [['--provider', 'kind', '--detach', '--reuse', '--name', 'x'], /--detach and --reuse do not go together/],
    [['--provider', 'sim', '--name', 'dev'], /--name applies to --provider kind, not sim/],
  ])('refuse %j', (argv, message) => {
    expect(() => parseRunOptions('up', argv)).toThrow(message);
  });
});
