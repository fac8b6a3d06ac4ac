import { pins } from '../pins.ts';

/**
 * Every command-line option, in one table: the parser, `--help` and the README's option list
 * are all made from it, so they cannot disagree.
 */
export type FlagType = 'string' | 'boolean' | 'number';

export interface FlagSpec {
  flag: string;
  /** Key in the config file and in RunOptions (timeouts: `timeouts.<key>`). */
  key: string;
  type: FlagType;
  value?: string;
  help: string;
  default?: string;
  /** Commands that take it; undefined = up and test. */
  commands?: readonly string[];
  choices?: readonly string[];
}

export const flagSpecs: readonly FlagSpec[] = [
  {
    flag: 'provider',
    key: 'provider',
    type: 'string',
    value: 'NAME',
    choices: ['kind', 'sim', 'existing'],
    default: 'kind',
    help:
      'where the cluster comes from: kind (throwaway Kind cluster), ' +
      'sim (in-process simulated cluster, proves the harness only), existing (your kubeconfig)',
  },
  {
    flag: 'profile',
    key: 'profile',
    type: 'string',
    value: 'NAME',
    default: 'istio',
    help: 'implementation profile: install steps and expectations (built-in: istio; define your own under profile: in a --config file)',
  },
  {
    flag: 'config',
    key: 'config',
    type: 'string',
    value: 'FILE',
    help: 'YAML file with any of these options by key (flags win over the file)',
  },
  {
    flag: 'fixtures',
    key: 'fixturesDir',
    type: 'string',
    value: 'DIR',
    help: 'directory of templated YAML manifests to apply instead of the built-in set',
  },
  {
    flag: 'namespace',
    key: 'namespace',
    type: 'string',
    value: 'NAME',
    default: 'kindgate-<random>',
    help: 'namespace of the applications and routes',
  },
  {
    flag: 'gateway-namespace',
    key: 'gatewayNamespace',
    type: 'string',
    value: 'NAME',
    default: '<namespace>-gateway',
    help: 'namespace of the Gateway',
  },
  {
    flag: 'hostname',
    key: 'hostname',
    type: 'string',
    value: 'HOST',
    default: 'httpbin.example.com',
    help: 'hostname of the HTTPRoute and the Host header the suites send',
  },
  {
    flag: 'listener-port',
    key: 'listenerPort',
    type: 'number',
    value: 'PORT',
    default: '80',
    help: 'port of the Gateway listener (--provider sim as non-root on Linux, where 80 cannot be bound: 8080)',
  },
  {
    flag: 'httpbin-image',
    key: 'httpbinImage',
    type: 'string',
    value: 'IMAGE',
    default: pins.httpbin.image,
    help: 'image of the httpbin backends (point it at a mirror when air-gapped)',
  },
  {
    flag: 'kubeconfig',
    key: 'kubeconfig',
    type: 'string',
    value: 'FILE',
    help: 'kubeconfig file: written for sim and kind (mode 0600), read for existing; for down, which environment to stop',
  },
  {
    flag: 'context',
    key: 'context',
    type: 'string',
    value: 'NAME',
    help: 'kube context to use with --provider existing',
  },
  {
    flag: 'allow-existing',
    key: 'allowExisting',
    type: 'boolean',
    help: 'let --provider existing create and delete objects in a cluster kindgate did not create',
  },
  {
    flag: 'name',
    key: 'clusterName',
    type: 'string',
    value: 'NAME',
    default: 'kindgate-<random>',
    help:
      'Kind cluster name (kindgate- is prefixed when missing, so stale clusters can be found); ' +
      'with --detach also the name of a sim environment; for down, which environment to stop',
  },
  {
    flag: 'reuse',
    key: 'reuse',
    type: 'boolean',
    help: 'run against an existing Kind cluster of that name instead of creating one',
  },
  {
    flag: 'keep',
    key: 'keep',
    type: 'boolean',
    help: 'keep the cluster (and the fixtures) at the end for a fast re-run',
  },
  {
    flag: 'reach',
    key: 'reach',
    type: 'string',
    value: 'MODE',
    choices: ['auto', 'direct', 'relay'],
    default: 'auto',
    help:
      'how to reach Gateway addresses: direct (MetalLB address), relay (container on the kind network), ' +
      'auto (direct where the kind network is routable from this host, else a relay)',
  },
  {
    flag: 'relay-image',
    key: 'relayImage',
    type: 'string',
    value: 'IMAGE',
    default: 'the pinned relay image',
    help: 'image of the relay container (point it at a mirror when air-gapped)',
  },
  {
    flag: 'preload-images',
    key: 'preloadImages',
    type: 'boolean',
    help:
      'kind: pull the images the cluster runs (MetalLB, Istio, httpbin) on the host once and `kind load docker-image` them ' +
      'into the node, so re-runs and rate-limited runners do not pull through the node (docker engine only)',
  },
  {
    flag: 'channel',
    key: 'channel',
    type: 'string',
    value: 'NAME',
    choices: ['standard', 'experimental'],
    default: 'standard',
    help: 'Gateway API release channel of the CRDs to install',
  },
  {
    flag: 'cache-dir',
    key: 'cacheDir',
    type: 'string',
    value: 'DIR',
    default: '$XDG_CACHE_HOME/kindgate',
    help: "where downloaded tools and manifests are kept (verified by sha256), the suites' compiled modules and the records of detached environments",
    commands: ['up', 'test', 'gc', 'conformance', 'down'],
  },
  {
    flag: 'dry-run',
    key: 'dryRun',
    type: 'boolean',
    help: 'print the plan (commands, URLs, sha256, order) and change nothing; for gc, list what would be removed',
    commands: ['up', 'test', 'gc', 'conformance'],
  },
  {
    flag: 'detach',
    key: 'detach',
    type: 'boolean',
    help:
      'return once the environment is ready, leaving it up until `kindgate down` (sim: a background process ' +
      'serving it, its log in a file the output names; kind: the cluster as --keep leaves it)',
    commands: ['up'],
  },
  {
    flag: 'all',
    key: 'all',
    type: 'boolean',
    help: 'stop every detached environment of this user (instead of --kubeconfig or --name)',
    commands: ['down'],
  },
  {
    flag: 'suites',
    key: 'suites',
    type: 'string',
    value: 'LIST',
    default: 'all',
    help: 'comma-separated suites to run: gateway, httproute, routing, header-routing, troubleshooting',
    commands: ['test'],
  },
  {
    flag: 'report-dir',
    key: 'reportDir',
    type: 'string',
    value: 'DIR',
    default: 'reports',
    help: 'where JUnit, the conformance report and diagnostics are written',
    commands: ['test', 'conformance'],
  },
  {
    flag: 'compare',
    key: 'compare',
    type: 'string',
    value: 'DIR',
    help:
      'report dir of an earlier run: print the phases that got more than 50 % and 2 s slower than in its timings.json ' +
      '(informative; the exit code is unchanged)',
    commands: ['test'],
  },
  {
    flag: 'gateway-timeout',
    key: 'timeouts.gatewayMs',
    type: 'number',
    value: 'SECONDS',
    default: '180',
    help: 'how long a Gateway may take to get its address and conditions',
  },
  {
    flag: 'route-timeout',
    key: 'timeouts.routeMs',
    type: 'number',
    value: 'SECONDS',
    default: '60',
    help: 'how long an HTTPRoute may take to get its parent status',
  },
  {
    flag: 'request-timeout',
    key: 'timeouts.requestMs',
    type: 'number',
    value: 'SECONDS',
    default: '10',
    help: 'timeout of one HTTP request to a Gateway',
  },
  {
    flag: 'consistency-window',
    key: 'timeouts.consistencyMs',
    type: 'number',
    value: 'SECONDS',
    default: '30',
    help: 'window in which an HTTP expectation must hold',
    commands: ['test'],
  },
  {
    flag: 'consecutive',
    key: 'timeouts.consecutive',
    type: 'number',
    value: 'N',
    default: '3',
    help: 'consecutive matching responses needed for an HTTP expectation',
    commands: ['test'],
  },
  {
    flag: 'backends-timeout',
    key: 'timeouts.backendsMs',
    type: 'number',
    value: 'SECONDS',
    default: '180',
    help: "how long the fixtures' Deployments may take to become Available",
  },
  {
    flag: 'sim-faults',
    key: 'simFaults',
    type: 'string',
    value: 'LIST',
    help:
      'faults the sim injects, comma-separated: api-errors=RATE (that fraction of API requests answered 500, 503 or 429 ' +
      'with Retry-After), api-latency=MS, watch-drop=SECONDS (every watch closed after that long), ' +
      "dataplane-503=N (each route's first N requests answered 503); --provider sim only",
  },
  {
    flag: 'sim-seed',
    key: 'simSeed',
    type: 'number',
    value: 'N',
    default: 'random, printed',
    help: 'seed of the sim faults, to repeat a run (a positive whole number); --provider sim only',
  },
  {
    flag: 'verbose',
    key: 'verbose',
    type: 'boolean',
    help: 'show the output of every command and stack traces of errors',
    commands: ['up', 'test', 'gc', 'conformance', 'down'],
  },
  {
    flag: 'runner',
    key: 'runner',
    type: 'string',
    value: 'NAME',
    choices: ['container', 'local'],
    default: 'container (local for sim)',
    help: "where the upstream suite runs: container (pinned Go image on the cluster's docker network; host network for existing) or local (go on PATH)",
    commands: ['conformance'],
  },
  {
    flag: 'runner-image',
    key: 'runnerImage',
    type: 'string',
    value: 'IMAGE',
    default: 'the pinned Go image',
    help: 'image of the runner container (point it at a mirror when air-gapped)',
    commands: ['conformance'],
  },
  {
    flag: 'conformance-profiles',
    key: 'conformanceProfiles',
    type: 'string',
    value: 'LIST',
    default: 'GATEWAY-HTTP',
    help: "comma-separated upstream conformance profiles to run (a profile's conformanceProfiles replace the default)",
    commands: ['conformance'],
  },
  {
    flag: 'mode',
    key: 'mode',
    type: 'string',
    value: 'NAME',
    default: 'default',
    help: 'operating mode of the implementation, written into the upstream report and its file name',
    commands: ['conformance'],
  },
  {
    flag: 'run-test',
    key: 'runTest',
    type: 'string',
    value: 'NAME',
    help: 'run only this upstream test (e.g. HTTPRouteSimpleSameNamespace)',
    commands: ['conformance'],
  },
  {
    flag: 'skip-tests',
    key: 'skipTests',
    type: 'string',
    value: 'LIST',
    help: 'comma-separated upstream tests to skip',
    commands: ['conformance'],
  },
  {
    flag: 'exempt-features',
    key: 'exemptFeatures',
    type: 'string',
    value: 'LIST',
    help: 'comma-separated upstream features to exclude from the run',
    commands: ['conformance'],
  },
  {
    flag: 'all-features',
    key: 'allFeatures',
    type: 'boolean',
    help: "let the upstream suite test every feature, not only the profile's supportedFeatures",
    commands: ['conformance'],
  },
  {
    flag: 'go-test-timeout',
    key: 'timeouts.goTestMs',
    type: 'number',
    value: 'SECONDS',
    default: '10800',
    help: "timeout of the upstream `go test` run (Go's own default, 10 minutes, cuts long runs short)",
    commands: ['conformance'],
  },
];

/**
 * Options of up/test that `conformance` takes too: it provisions the same cluster, but applies no
 * fixtures and runs none of kindgate's suites.
 */
const sharedWithConformance = new Set([
  'provider',
  'profile',
  'config',
  'kubeconfig',
  'context',
  'allow-existing',
  'name',
  'reuse',
  'keep',
  'channel',
  'gateway-timeout',
]);

/** Options of up/test that `down` takes too: which detached environment to stop. */
const sharedWithDown = new Set(['kubeconfig', 'name']);

export function flagsFor(command: string): FlagSpec[] {
  return flagSpecs.filter(
    (f) =>
      (f.commands ?? ['up', 'test']).includes(command) ||
      (command === 'conformance' && sharedWithConformance.has(f.flag)) ||
      (command === 'down' && sharedWithDown.has(f.flag)),
  );
}
