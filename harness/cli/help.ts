import { flagsFor } from '../config/flags.ts';

export const commands = {
  test: 'provision a cluster, apply the fixtures, run the conformance suites, write reports, tear down',
  up: 'provision a cluster with the fixtures and keep it serving until Ctrl-C, or with --detach until `kindgate down` (prints KUBECONFIG= and GATEWAY_URL=)',
  gc: 'delete Kind clusters named kindgate-*, relay containers and conformance runner containers left behind by interrupted or --keep runs',
  conformance:
    'provision a cluster, run the upstream Gateway API conformance suite (pinned to the CRDs), keep its report untouched, tear down',
  down: 'stop an environment `kindgate up --detach` left running (by --kubeconfig, --name, or --all)',
} as const;

const NAME_WIDTH = Math.max(...Object.keys(commands).map((name) => name.length));

export function usage(): string {
  return [
    'kindgate — end-to-end conformance harness for the Kubernetes Gateway API',
    '',
    'Usage: kindgate <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, text]) => `  ${name.padEnd(NAME_WIDTH)} ${text}`),
    '',
    'Run `kindgate <command> --help` for its options.',
    'Exit codes: 0 all passed, 1 a suite failed, 2 bad usage or config, 3 environment/preflight failure, 4 setup failed.',
  ].join('\n');
}

export function commandHelp(command: keyof typeof commands): string {
  const flags = flagsFor(command);
  const left = (f: (typeof flags)[number]) => `--${f.flag}${f.value ? ` ${f.value}` : ''}`;
  const width = Math.max(...flags.map((f) => left(f).length)) + 2;
  const lines = flags.map((f) => {
    const extra = [f.choices ? `one of: ${f.choices.join(', ')}` : '', f.default ? `default: ${f.default}` : '']
      .filter(Boolean)
      .join('; ');
    return `  ${left(f).padEnd(width)}${f.help}${extra ? ` (${extra})` : ''}`;
  });
  return [
    `Usage: kindgate ${command} [options]`,
    '',
    `${commands[command]}.`,
    '',
    'Options:',
    ...lines,
    `  ${'--help'.padEnd(width)}show this help`,
  ].join('\n');
}
