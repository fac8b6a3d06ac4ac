import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { REPORT_DIR_LOCK } from '../reports/report-dir.ts';
import { checkRow, listeningServers, runInProcess, type BadInputRow } from './bad-input.test-helper.ts';
import { removeTempDirs } from './temp-dirs.test-helper.ts';

/**
 * The bad-input table, unit tier: inputs refused while the arguments, the config file or the
 * fixtures are read, run in-process through `main()` (the same code a child process would run,
 * without its start-up cost). Rows where the process itself matters (FIFOs, device files, signals,
 * concurrent runs) are in bad-input.sim.test.ts.
 */

const config = (text: string) => (box: { inputs: string }) => writeFileSync(join(box.inputs, 'kindgate.yaml'), text);
const withConfig =
  (...argv: string[]) =>
  (box: { inputs: string }) => [...argv, '--config', join(box.inputs, 'kindgate.yaml')];
const huge = 'a'.repeat(100_000);
const upWith = (name: string) => (box: { inputs: string }) => [
  'up',
  '--provider',
  'sim',
  '--kubeconfig',
  join(box.inputs, name),
];
const fixtures = (box: { inputs: string }) => ['test', '--provider', 'sim', '--fixtures', box.inputs];

function bigConfigMap(keys: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: big, namespace: "{{namespace}}"}', 'data:'];
  for (let i = 0; i < keys; i++) lines.push(`  key${i}: "value-${i}-${'x'.repeat(40)}"`);
  return `${lines.join('\n')}\n`;
}

const rows: BadInputRow[] = [
  // Well handled before issue 9: kept that way.
  { name: 'unknown command', argv: ['frobnicate'], code: 2, says: 'unknown command "frobnicate"' },
  { name: 'unknown flag', argv: ['test', '--provider', 'sim', '--bogus'], code: 2, says: "Unknown option '--bogus'" },
  {
    name: 'unknown provider',
    argv: ['test', '--provider', 'minikube'],
    code: 2,
    says: '--provider must be one of kind, sim, existing',
  },
  { name: 'listener port out of range', argv: ['up', '--listener-port', '70000'], code: 2, says: 'from 1 to 65535' },
  {
    name: 'timeout not a number',
    argv: ['test', '--gateway-timeout', 'soon'],
    code: 2,
    says: 'must be a positive number, got "soon"',
  },
  { name: 'bad namespace', argv: ['test', '--namespace', 'Bad_NS'], code: 2, says: 'is not a valid namespace name' },
  { name: 'bad hostname', argv: ['test', '--hostname', 'not a host'], code: 2, says: 'is not a valid DNS name' },
  { name: '--reuse without --name', argv: ['test', '--reuse'], code: 2, says: '--reuse needs --name' },
  { name: '--context without existing', argv: ['test', '--context', 'prod'], code: 2, says: '--context only applies' },
  {
    name: 'existing without kubeconfig',
    argv: ['test', '--provider', 'existing'],
    code: 2,
    says: 'needs a kubeconfig',
  },
  {
    name: '--keep with sim',
    argv: ['test', '--provider', 'sim', '--keep'],
    code: 2,
    says: '--keep applies to --provider kind or existing',
  },
  {
    name: '--name with sim',
    argv: ['up', '--provider', 'sim', '--name', 'dev'],
    code: 2,
    says: '--name applies to --provider kind',
  },
  { name: 'unknown suite', argv: ['test', '--suites', 'routing,tls'], code: 2, says: 'unknown suite "tls"' },
  {
    name: '--dry-run with sim',
    argv: ['test', '--provider', 'sim', '--dry-run'],
    code: 2,
    says: '--dry-run shows the plan of --provider kind',
  },
  {
    name: 'config file missing',
    argv: ['test', '--config', '/nonexistent/kindgate.yaml'],
    code: 2,
    says: 'cannot be read',
  },
  {
    name: 'config file not YAML',
    setup: config('a: [unclosed\n'),
    argv: withConfig('test'),
    code: 2,
    says: 'is not valid YAML',
  },
  {
    name: 'config key unknown',
    setup: config('provder: sim\n'),
    argv: withConfig('test'),
    code: 2,
    says: 'unknown key "provder"',
  },
  {
    name: 'fixture directory missing',
    argv: ['test', '--provider', 'sim', '--fixtures', '/nonexistent-dir'],
    code: 2,
    says: 'Fixture directory /nonexistent-dir does not exist',
  },

  // Issue 9, defect 6: durations.
  {
    name: '--gateway-timeout past the timer limit',
    argv: ['test', '--provider', 'sim', '--gateway-timeout', '3000000'],
    code: 2,
    says: "--gateway-timeout must be at most 2147483 seconds (Node's timer limit",
  },
  {
    name: '--gateway-timeout -5 (space)',
    argv: ['test', '--provider', 'sim', '--gateway-timeout', '-5'],
    code: 2,
    says: '--gateway-timeout must be a positive number, got "-5".',
  },
  {
    name: '--gateway-timeout=-5',
    argv: ['test', '--provider', 'sim', '--gateway-timeout=-5'],
    code: 2,
    says: '--gateway-timeout must be a positive number, got "-5".',
  },

  // Defects 7 and 8: fixtures.
  {
    name: 'a fixture that is a symlink loop',
    setup: (box) => symlinkSync('loop.yaml', join(box.inputs, 'loop.yaml')),
    argv: fixtures,
    code: 2,
    says: /Fixture .*loop\.yaml cannot be read \(ELOOP: a loop of symbolic links\)/,
  },
  {
    name: 'a ConfigMapList with items: [null]',
    setup: (box) => writeFileSync(join(box.inputs, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMapList\nitems: [null]\n'),
    argv: fixtures,
    code: 2,
    says: /a\.yaml: document 1, item 1 is not a Kubernetes object/,
  },
  {
    name: 'a 5 MB ConfigMap of 75k keys',
    setup: (box) => writeFileSync(join(box.inputs, 'big.yaml'), bigConfigMap(75_000)),
    argv: fixtures,
    code: 2,
    says: /Fixture .*big\.yaml is \d+ bytes, over the 1 MiB limit of a fixture file/,
  },
  {
    name: 'a FIFO among the fixtures',
    setup: (box) => execFileSync('mkfifo', [join(box.inputs, 'pipe.yaml')]),
    argv: fixtures,
    code: 2,
    says: /Fixture .*pipe\.yaml is not a regular file/,
  },

  // Defects 1, 2 and 11: --kubeconfig paths that are not kindgate's to write (FIFOs and devices: sim tier).
  {
    name: '--kubeconfig a directory',
    setup: (box) => mkdirSync(join(box.inputs, 'kc')),
    argv: upWith('kc'),
    code: 2,
    says: /--kubeconfig .*kc is a directory, not a regular file/,
  },
  {
    name: '--kubeconfig an empty file others may read (0644)',
    setup: (box) => writeFileSync(join(box.inputs, 'kc'), '', { mode: 0o644 }),
    argv: upWith('kc'),
    code: 2,
    says: /--kubeconfig .*kc is an empty file others may read or write \(mode 0644\)/,
    check: (box) => {
      expect(statSync(join(box.inputs, 'kc')).mode & 0o777).toBe(0o644);
      expect(readFileSync(join(box.inputs, 'kc'), 'utf8')).toBe('');
    },
  },
  {
    name: '--kubeconfig a file that holds a kubeconfig',
    setup: (box) => writeFileSync(join(box.inputs, 'kc'), 'apiVersion: v1\nkind: Config\n'),
    argv: upWith('kc'),
    code: 2,
    says: /--kubeconfig .*kc already exists and is not empty/,
    check: (box) => expect(readFileSync(join(box.inputs, 'kc'), 'utf8')).toBe('apiVersion: v1\nkind: Config\n'),
  },
  {
    name: '--kubeconfig a dangling symbolic link',
    setup: (box) => symlinkSync(join(box.inputs, 'nowhere'), join(box.inputs, 'kc')),
    argv: upWith('kc'),
    code: 2,
    says: /--kubeconfig .*kc is a symbolic link to .*nowhere, which does not exist/,
  },

  // Defect 4: report directories.
  {
    name: '--report-dir another live run is writing',
    setup: (box) => {
      mkdirSync(join(box.inputs, 'reports'));
      writeFileSync(
        join(box.inputs, 'reports', REPORT_DIR_LOCK),
        JSON.stringify({ pid: process.pid, host: hostname() }),
      );
    },
    argv: (box) => ['test', '--provider', 'sim', '--report-dir', join(box.inputs, 'reports')],
    code: 2,
    says: /--report-dir .*reports is being written by another kindgate run \(pid \d+\)/,
  },
  {
    name: '--report-dir holding a diagnostics/ kindgate did not write',
    setup: (box) => {
      mkdirSync(join(box.inputs, 'reports', 'diagnostics'), { recursive: true });
      writeFileSync(join(box.inputs, 'reports', 'diagnostics', 'mine.txt'), 'mine');
    },
    argv: (box) => ['test', '--provider', 'sim', '--report-dir', join(box.inputs, 'reports')],
    code: 2,
    says: /--report-dir .*reports holds a diagnostics\/ directory kindgate did not write/,
  },
  {
    name: '--report-dir a file',
    setup: (box) => writeFileSync(join(box.inputs, 'reports'), ''),
    argv: (box) => ['test', '--provider', 'sim', '--report-dir', join(box.inputs, 'reports')],
    code: 2,
    says: /--report-dir .*reports cannot be created or written \(not a directory\)/,
  },

  // Defect 11: a cache directory the run could not use is said by --dry-run too.
  {
    name: 'XDG_CACHE_HOME unwritable, --dry-run',
    setup: (box) => {
      writeFileSync(join(box.inputs, 'file'), '');
      box.env.XDG_CACHE_HOME = join(box.inputs, 'file', 'cache');
    },
    argv: ['test', '--provider', 'kind', '--dry-run'],
    code: 3,
    says: /The cache directory .*file\/cache\/kindgate cannot be created or written \(ENOTDIR\); set XDG_CACHE_HOME to a writable directory or pass --cache-dir/,
  },
  {
    name: '--cache-dir unwritable, up --dry-run',
    setup: (box) => writeFileSync(join(box.inputs, 'file'), ''),
    argv: (box) => ['up', '--provider', 'kind', '--dry-run', '--cache-dir', join(box.inputs, 'file', 'x')],
    code: 3,
    says: /The cache directory .*file\/x cannot be created or written \(ENOTDIR\)/,
  },

  // Defect 9: config types.
  {
    name: 'namespace: [foo]',
    setup: config('namespace: [foo]\n'),
    argv: withConfig('test'),
    code: 2,
    says: 'namespace must be a string, got a list',
  },
  {
    name: 'listenerPort: [80]',
    setup: config('listenerPort: [80]\n'),
    argv: withConfig('test'),
    code: 2,
    says: 'listenerPort must be a number, got a list',
  },
  {
    name: 'fixturesDir: {a: 1}',
    setup: config('fixturesDir: {a: 1}\n'),
    argv: withConfig('test'),
    code: 2,
    says: 'fixturesDir must be a string, got a mapping',
  },
  {
    name: 'implementation version: 1.10',
    setup: config(
      'profile:\n  name: acme\n  gatewayClassName: acme\n  controllerName: example.com/acme\n' +
        '  implementation: {organization: o, project: p, version: 1.10}\n',
    ),
    argv: withConfig('test', '--provider', 'sim', '--profile', 'acme'),
    code: 2,
    says: 'profile.implementation.version must be a string, got the number 1.1',
  },

  // Defect 11: the small ones.
  {
    name: 'a 100 KB option value',
    argv: ['test', '--hostname', huge],
    code: 2,
    says: /--hostname "a{100}… \(100000 characters\)" is not a valid DNS name/,
    check: (_box, outcome) => expect(outcome.stderr.length).toBeLessThan(400),
  },
  {
    name: 'a 100 KB fixture path',
    argv: ['test', '--provider', 'sim', '--fixtures', `/${huge}`],
    code: 2,
    says: /Fixture directory \/a+…\(\d+ characters cut\)…a+ does not exist/,
    check: (_box, outcome) => expect(outcome.stderr.length).toBeLessThan(600),
  },
  {
    name: '--httpbin-image with an ESC',
    argv: ['test', '--provider', 'sim', '--httpbin-image', 'httpbin\u001b[2J:1'],
    code: 2,
    says: '--httpbin-image "httpbin\\u001b[2J:1" is not an image reference',
    check: (_box, outcome) => expect(outcome.stderr).not.toContain('\u001b'),
  },
  {
    name: "--report-dir ''",
    argv: ['test', '--provider', 'sim', '--report-dir', ''],
    code: 2,
    says: '--report-dir must not be empty',
  },
  {
    name: 'timeouts: 5',
    setup: config('timeouts: 5\n'),
    argv: withConfig('test'),
    code: 2,
    says: 'timeouts must be a mapping such as `timeouts: {gateway: 300}`, got the number 5',
  },
];

afterAll(removeTempDirs);

describe('bad input, unit tier: exit code, one sentence, no stack, nothing left behind', () => {
  let servers = 0;
  afterEach(() => expect(listeningServers(), 'a server left listening').toBe(servers));

  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    servers = listeningServers();
    await checkRow(row, runInProcess);
  });
});
