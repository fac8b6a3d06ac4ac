import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { DNS_LABEL } from '../kube/names.ts';
import { defaultListenerPort } from './privileged-ports.ts';
import { pins } from '../pins.ts';
import { suiteFiles } from '../../suites/catalog.ts';
import { checkInstallableByKind, type ProfileConfig } from '../profiles/config.ts';
import { readConfigFile } from './config-file.ts';
import { flagsFor, flagSpecs, type FlagSpec } from './flags.ts';
import { isImageReference } from './image-ref.ts';
import { parseSimFaults } from './sim-faults.ts';
import { CLUSTER_PREFIX, defaultTimeouts, type ProviderName, type RunOptions, type Timeouts } from './options.ts';
import { durationSeconds, isDurationKey, positiveNumber, shownValue } from './values.ts';

type Raw = Record<string, unknown>;

/**
 * Turn `argv` (after the command word) into validated RunOptions.
 * Precedence: flags > config file > defaults. Every mistake is a UsageError naming the flag or key.
 */
export function parseRunOptions(
  command: 'up' | 'test' | 'gc' | 'conformance',
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): RunOptions {
  return parseRunOptionsWithRaw(command, argv, env).options;
}

/** parseRunOptions, plus the merged flag and config-file values by key (for options only one command has). */
export function parseRunOptionsWithRaw(
  command: 'up' | 'test' | 'gc' | 'conformance',
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): { options: RunOptions; raw: Raw } {
  const specs = flagsFor(command);
  const fromFlags = readFlags(command, argv, specs);
  const configFile = fromFlags.config as string | undefined;
  const fromFile = configFile ? readConfigFile(configFile) : {};
  const merged = { ...fromFile, ...fromFlags };
  // `--profile acme` names the profile the config file defines: keep its definition.
  const fileProfile = fromFile.profile;
  if (typeof fileProfile === 'object' && fromFlags.profile === (fileProfile as ProfileConfig).name)
    merged.profile = fileProfile;
  return { options: validate(merged, env), raw: merged };
}

function readFlags(command: string, argv: string[], specs: FlagSpec[]): Raw {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: negativeNumbersJoined(argv, specs),
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(specs.map((s) => [s.flag, { type: s.type === 'boolean' ? 'boolean' : 'string' }])),
    });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0].replace(/\.$/, '');
    throw new UsageError(`kindgate ${command}: ${message}; see kindgate ${command} --help.`);
  }
  const raw: Raw = {};
  for (const spec of specs) {
    const value = parsed.values[spec.flag];
    if (value === undefined) continue;
    if (value === '') throw new UsageError(`--${spec.flag} must not be empty; give it a value or leave the flag out.`);
    if (spec.type !== 'number') raw[spec.key] = value;
    else raw[spec.key] = (isDurationKey(spec.key) ? durationSeconds : positiveNumber)(String(value), `--${spec.flag}`);
  }
  return raw;
}

/**
 * `--gateway-timeout -5` as `--gateway-timeout=-5`: node's parseArgs takes a value starting with
 * `-` for a flag and refuses it as ambiguous, and the user should hear what is wrong with the number.
 */
function negativeNumbersJoined(argv: string[], specs: FlagSpec[]): string[] {
  const numberFlags = new Set(specs.filter((s) => s.type === 'number').map((s) => `--${s.flag}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (numberFlags.has(argv[i]) && next !== undefined && /^-\.?\d/.test(next)) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Options that mean nothing for other providers: refused rather than silently ignored. [key, flag, providers] */
const PROVIDER_ONLY_OPTIONS: [string, string, ProviderName[]][] = [
  ['reuse', 'reuse', ['kind']],
  ['clusterName', 'name', ['kind']],
  ['reach', 'reach', ['kind']],
  ['relayImage', 'relay-image', ['kind']],
  ['preloadImages', 'preload-images', ['kind']],
  ['keep', 'keep', ['kind', 'existing']],
  ['channel', 'channel', ['kind', 'existing']],
  ['allowExisting', 'allow-existing', ['existing']],
  ['simFaults', 'sim-faults', ['sim']],
  ['simSeed', 'sim-seed', ['sim']],
];

/** Checks run in this order, so the first mistake reported is the same whatever else is wrong. */
function validate(raw: Raw, env: NodeJS.ProcessEnv): RunOptions {
  const provider = choice(raw, 'provider', 'provider', 'kind') as RunOptions['provider'];
  const runId = randomBytes(3).toString('hex');
  const { namespace, gatewayNamespace } = namespacesOf(raw, runId);
  const hostname = hostnameOf(raw);
  const listenerPort = listenerPortOf(raw, provider);
  const clusterName = clusterNameOf(raw, runId);
  checkDetach(raw, provider);
  refuseOtherProvidersOptions(raw, provider);
  checkProviderNeeds(raw, provider, env);
  const profile = (raw.profile as string | ProfileConfig | undefined) ?? 'istio';
  if (typeof profile === 'object' && provider === 'kind') checkInstallableByKind(profile);
  const timeouts = timeoutsOf(raw);
  const reach = choice(raw, 'reach', 'reach', 'auto') as RunOptions['reach'];
  const channel = choice(raw, 'channel', 'channel', 'standard') as RunOptions['channel'];
  const suites = raw.suites === undefined ? undefined : parseSuites(String(raw.suites));
  const cacheDir =
    (raw.cacheDir as string | undefined) ?? join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kindgate');
  return {
    provider,
    profile,
    fixturesDir: raw.fixturesDir === undefined ? undefined : resolve(String(raw.fixturesDir)),
    namespace,
    gatewayNamespace,
    ownedNamespaces: [
      ...(raw.namespace === undefined ? [namespace] : []),
      ...(raw.namespace === undefined && raw.gatewayNamespace === undefined ? [gatewayNamespace] : []),
    ],
    hostname,
    listenerPort,
    httpbinImage: imageOf(raw, 'httpbinImage', 'httpbin-image') ?? pins.httpbin.image,
    kubeconfig: kubeconfigOf(raw, provider, env),
    context: raw.context as string | undefined,
    clusterName,
    reuse: Boolean(raw.reuse),
    keep: Boolean(raw.keep),
    reach,
    relayImage: imageOf(raw, 'relayImage', 'relay-image') ?? defaultRelayImage(),
    preloadImages: Boolean(raw.preloadImages),
    channel,
    cacheDir: resolve(cacheDir),
    dryRun: Boolean(raw.dryRun),
    detach: Boolean(raw.detach),
    allowExisting: Boolean(raw.allowExisting),
    reportDir: resolve((raw.reportDir as string | undefined) ?? 'reports'),
    ...(raw.compare === undefined ? {} : { compare: resolve(String(raw.compare)) }),
    suites,
    verbose: Boolean(raw.verbose) || Boolean(env.KINDGATE_DEBUG),
    timeouts,
    ...simFaultsOf(raw),
  };
}

/** --sim-faults and --sim-seed (the provider check already refused them for other providers). */
function simFaultsOf(raw: Raw): Pick<RunOptions, 'simFaults' | 'simSeed'> {
  const seed = raw.simSeed as number | undefined;
  if (seed !== undefined && (!Number.isInteger(seed) || seed > 2 ** 32 - 1))
    throw new UsageError(`--sim-seed must be a whole number from 1 to ${2 ** 32 - 1}, got ${seed}.`);
  return {
    ...(raw.simFaults !== undefined ? { simFaults: parseSimFaults(String(raw.simFaults)) } : {}),
    ...(seed !== undefined ? { simSeed: seed } : {}),
  };
}

/** One of the flag's choices (flags.ts), or `fallback`. */
function choice(raw: Raw, flag: string, key: string, fallback: string): string {
  const spec = flagSpecs.find((s) => s.key === key)!;
  const value = (raw[key] as string | undefined) ?? fallback;
  if (spec.choices && !spec.choices.includes(value)) {
    throw new UsageError(`--${flag} must be one of ${spec.choices.join(', ')}, got ${shownValue(value)}.`);
  }
  return value;
}

/** The run's namespaces: given, or `kindgate-<runId>` and `<namespace>-gateway`. */
function namespacesOf(raw: Raw, runId: string): { namespace: string; gatewayNamespace: string } {
  const namespace = (raw.namespace as string | undefined) ?? `kindgate-${runId}`;
  const gatewayNamespace = (raw.gatewayNamespace as string | undefined) ?? `${namespace}-gateway`;
  for (const [flag, ns] of [
    ['namespace', namespace],
    ['gateway-namespace', gatewayNamespace],
  ] as const) {
    if (ns.length > 63 || !DNS_LABEL.test(ns)) {
      throw new UsageError(
        `--${flag} ${shownValue(ns)} is not a valid namespace name; use at most 63 lower-case letters, digits and '-'.`,
      );
    }
  }
  return { namespace, gatewayNamespace };
}

function hostnameOf(raw: Raw): string {
  const hostname = (raw.hostname as string | undefined) ?? 'httpbin.example.com';
  if (hostname.length > 253 || !HOSTNAME.test(hostname)) {
    throw new UsageError(
      `--hostname ${shownValue(hostname)} is not a valid DNS name; use lower-case labels separated by dots.`,
    );
  }
  return hostname;
}

function listenerPortOf(raw: Raw, provider: string): number {
  const listenerPort = (raw.listenerPort as number | undefined) ?? defaultListenerPort(provider);
  if (!Number.isInteger(listenerPort) || listenerPort < 1 || listenerPort > 65535) {
    throw new UsageError(`--listener-port must be an integer from 1 to 65535, got ${listenerPort}.`);
  }
  return listenerPort;
}

/** The Kind cluster's name, always `kindgate-` prefixed; `--reuse` must say which one. */
function clusterNameOf(raw: Raw, runId: string): string {
  const clusterName = withPrefix((raw.clusterName as string | undefined) ?? runId);
  if (clusterName.length > 50 || !DNS_LABEL.test(clusterName)) {
    throw new UsageError(
      `--name ${shownValue(clusterName)} is not a valid Kind cluster name; use lower-case letters, digits and '-' (at most 50).`,
    );
  }
  if (raw.reuse && raw.clusterName === undefined) {
    throw new UsageError('--reuse needs --name to say which Kind cluster to reuse.');
  }
  return clusterName;
}

/**
 * --detach: sim and kind only; it keeps the environment by itself (no --keep), and a --reuse'd
 * cluster is not kindgate's to stop. A detached sim takes --name, the name `down --name` finds it by.
 */
function checkDetach(raw: Raw, provider: ProviderName): void {
  if (!raw.detach) return;
  if (provider === 'existing') throw new UsageError(detachExistingMessage());
  for (const [key, flag] of [
    ['keep', 'keep'],
    ['reuse', 'reuse'],
    ['dryRun', 'dry-run'],
  ] as const) {
    if (raw[key]) throw new UsageError(`--detach and --${flag} do not go together; ${detachHint(flag)}.`);
  }
}

function detachExistingMessage(): string {
  return '--detach applies to --provider sim or kind: kindgate starts nothing to leave running with --provider existing.';
}

function detachHint(flag: string): string {
  if (flag === 'keep') return '--detach already leaves the environment up until `kindgate down`';
  if (flag === 'reuse')
    return "a reused cluster is not kindgate's to stop: run `kindgate up --reuse` in the foreground";
  return 'drop --detach to see the plan';
}

function refuseOtherProvidersOptions(raw: Raw, provider: ProviderName): void {
  for (const [key, flag, providers] of PROVIDER_ONLY_OPTIONS) {
    if (raw[key] === undefined || raw[key] === false || providers.includes(provider)) continue;
    if (key === 'clusterName' && provider === 'sim' && raw.detach) continue; // names the detached environment
    const hint =
      provider === 'sim' && key === 'keep'
        ? '; to keep a simulated cluster serving, use `kindgate up --provider sim`'
        : '';
    throw new UsageError(
      `--${flag} applies to --provider ${providers.join(' or ')}, not ${provider}; remove it${hint}.`,
    );
  }
}

/** What --provider existing needs and only it takes: a kubeconfig, a context. */
function checkProviderNeeds(raw: Raw, provider: ProviderName, env: NodeJS.ProcessEnv): void {
  if (raw.context !== undefined && provider !== 'existing') {
    throw new UsageError(`--context only applies to --provider existing; remove it or use --provider existing.`);
  }
  if (provider === 'existing' && raw.kubeconfig === undefined && !env.KUBECONFIG) {
    throw new UsageError('--provider existing needs a kubeconfig: pass --kubeconfig FILE or set KUBECONFIG.');
  }
}

/** `--kubeconfig`, or for --provider existing the first file of KUBECONFIG. */
function kubeconfigOf(raw: Raw, provider: ProviderName, env: NodeJS.ProcessEnv): string | undefined {
  if (raw.kubeconfig !== undefined) return resolve(String(raw.kubeconfig));
  return provider === 'existing' ? env.KUBECONFIG?.split(':')[0] : undefined;
}

/** The defaults, overridden by flags and the config file, which speak seconds. */
function timeoutsOf(raw: Raw): Timeouts {
  const timeouts: Timeouts = { ...defaultTimeouts };
  for (const key of Object.keys(timeouts) as (keyof Timeouts)[]) {
    const value = raw[`timeouts.${key}`] as number | undefined;
    if (value === undefined) continue;
    if (key === 'consecutive') {
      if (!Number.isInteger(value)) throw new UsageError(`--consecutive must be a whole number, got ${value}.`);
      timeouts.consecutive = value;
    } else {
      timeouts[key] = Math.round(value * 1000);
    }
  }
  return timeouts;
}

function parseSuites(list: string): string[] {
  const known = Object.keys(suiteFiles);
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !known.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--suites ${unknown.length ? `has unknown suite ${shownValue(unknown[0])}` : 'is empty'}; use a comma-separated list of ${known.join(', ')}.`,
    );
  }
  return [...new Set(names)];
}

function imageMessage(flag: string, image: string): string {
  return `--${flag} ${shownValue(image)} is not an image reference; write it as [registry/]repository[:tag][@sha256:digest].`;
}

/** A container image the user named: refused unless it is a well-formed reference. */
function imageOf(raw: Raw, key: string, flag: string): string | undefined {
  const image = raw[key] as string | undefined;
  if (image !== undefined && !isImageReference(image)) throw new UsageError(imageMessage(flag, image));
  return image;
}

function withPrefix(name: string): string {
  return name.startsWith(CLUSTER_PREFIX) ? name : `${CLUSTER_PREFIX}${name}`;
}

function defaultRelayImage(): string {
  const relay = (pins as { relay?: { image?: string } }).relay;
  return relay?.image ?? '';
}
