import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { DNS_LABEL } from '../kube/names.ts';
import { gatewayHttpCoreFeatures, gatewayHttpExtendedFeatures } from './features.ts';
import { ConfigReader } from './config-reader.ts';
import type { DiagnosticsSpec, ImplementationInfo, VendorInstall } from './types.ts';

/**
 * A vendor's profile as written under `profile:` in the config file, validated. It is plain data
 * (a RegExp source, absolute paths, milliseconds); getProfile turns it into a Profile.
 */
export interface ProfileConfig {
  name: string;
  gatewayClassName: string;
  controllerName: string;
  /** Source of a JavaScript regular expression the `server` response header must match. */
  serverHeader: string;
  supportedFeatures: string[];
  implementation: ImplementationInfo;
  /** Upstream conformance profiles for `kindgate conformance`; undefined = GATEWAY-HTTP. */
  conformanceProfiles?: string[];
  diagnostics: DiagnosticsSpec;
  install?: VendorInstall;
  /** The config file it came from (for messages). */
  file: string;
}

export const builtinProfileNames = ['istio'] as const;

/** Without `serverHeader`, a `server` header must be present, with any value. */
export const DEFAULT_SERVER_HEADER = '.+';
/** The label the Gateway API recommends on resources generated for a Gateway (GEP-1762). */
export const DEFAULT_GATEWAY_POD_SELECTOR = 'gateway.networking.k8s.io/gateway-name={gateway}';
export const DEFAULT_INSTALL_TIMEOUT_S = 600;
export const DEFAULT_GATEWAY_CLASS_TIMEOUT_S = 300;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** GatewayClass spec.controllerName, Gateway API v1.6.1 CRD: a domain-prefixed path, at most 253 characters. */
const CONTROLLER_NAME =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;
/** Conformance profile names of the upstream suite (gateway-api v1.6.1 conformance/utils/suite/profiles.go). */
export const UPSTREAM_CONFORMANCE_PROFILES = [
  'GATEWAY-HTTP',
  'GATEWAY-TLS',
  'GATEWAY-TCP',
  'GATEWAY-UDP',
  'GATEWAY-GRPC',
  'MESH-HTTP',
  'MESH-GRPC',
] as const;
const knownFeatures: readonly string[] = [...gatewayHttpCoreFeatures, ...gatewayHttpExtendedFeatures];

const PROFILE_KEYS = [
  'name',
  'gatewayClassName',
  'controllerName',
  'serverHeader',
  'supportedFeatures',
  'implementation',
  'conformanceProfiles',
  'diagnostics',
  'install',
] as const;

/** Validate `profile:` (a mapping) from config file `file`; every mistake is one sentence naming file and key. */
export function parseProfileConfig(value: unknown, file: string): ProfileConfig {
  const read = new ConfigReader(file);
  const raw = read.mapping(value, 'profile', PROFILE_KEYS);
  // Checked in this order, so the first mistake in the file's reading order is the one reported.
  const name = profileNameOf(read, raw.name);
  const gatewayClassName = gatewayClassNameOf(read, raw.gatewayClassName);
  const controllerName = controllerNameOf(read, raw.controllerName);
  const serverHeader = serverHeaderOf(read, raw.serverHeader);
  const supportedFeatures = supportedFeaturesOf(read, raw.supportedFeatures);
  const implementation = implementationOf(read, raw.implementation);
  const conformanceProfiles = conformanceProfilesOf(read, raw.conformanceProfiles);
  const diagnostics = diagnosticsOf(read, raw.diagnostics);
  const install = raw.install === undefined || raw.install === null ? undefined : installOf(read, raw.install);
  return {
    name,
    gatewayClassName,
    controllerName,
    serverHeader,
    supportedFeatures,
    implementation,
    ...(conformanceProfiles ? { conformanceProfiles } : {}),
    diagnostics,
    install,
    file,
  };
}

/** A DNS label that is not a built-in profile's name. */
function profileNameOf(read: ConfigReader, value: unknown): string {
  const name = read.text(value, 'profile.name', 'a DNS label such as acme');
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    read.fail('profile.name', `"${name}" is not a DNS label`, "use at most 63 lower-case letters, digits and '-'");
  }
  if ((builtinProfileNames as readonly string[]).includes(name)) {
    const fix = `write \`profile: ${name}\` to use it, or pick another name for yours`;
    read.fail('profile.name', `"${name}" is a built-in profile`, fix);
  }
  return name;
}

function gatewayClassNameOf(read: ConfigReader, value: unknown): string {
  const name = read.text(value, 'profile.gatewayClassName', 'the name of your GatewayClass');
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    read.fail(
      'profile.gatewayClassName',
      `"${name}" is not a valid object name`,
      "use lower-case letters, digits, '-' and '.'",
    );
  }
  return name;
}

function controllerNameOf(read: ConfigReader, value: unknown): string {
  const what = 'a domain-prefixed path such as example.com/gateway-controller';
  const name = read.text(value, 'profile.controllerName', what);
  if (name.length > 253 || !CONTROLLER_NAME.test(name)) {
    const fix = 'write it as the GatewayClass spec.controllerName requires, e.g. example.com/gateway-controller';
    read.fail('profile.controllerName', `"${name}" is not a domain-prefixed path`, fix);
  }
  return name;
}

/** The source of a regular expression the `server` response header must match. */
function serverHeaderOf(read: ConfigReader, value: unknown): string {
  const what = 'a regular expression such as ^envoy$';
  const serverHeader = read.optionalText(value, 'profile.serverHeader', what) ?? DEFAULT_SERVER_HEADER;
  try {
    new RegExp(serverHeader);
  } catch (error) {
    read.fail(
      'profile.serverHeader',
      `is not a valid regular expression (${(error as Error).message})`,
      'fix the pattern',
    );
  }
  return serverHeader;
}

/** Upstream feature names; the core features are what GATEWAY-HTTP conformance requires: always supported. */
function supportedFeaturesOf(read: ConfigReader, value: unknown): string[] {
  const listed = read.strings(value, 'profile.supportedFeatures') ?? [];
  const unknown = listed.filter((f) => !knownFeatures.includes(f));
  if (unknown.length > 0) {
    const fix = 'use upstream GATEWAY-HTTP feature names (Gateway API v1.6.1) such as HTTPRouteQueryParamMatching';
    read.fail('profile.supportedFeatures', `names unknown feature(s) ${unknown.join(', ')}`, fix);
  }
  return [...new Set([...gatewayHttpCoreFeatures, ...listed])];
}

/** Which upstream conformance profiles `kindgate conformance` runs (default GATEWAY-HTTP). */
function conformanceProfilesOf(read: ConfigReader, value: unknown): string[] | undefined {
  const listed = read.strings(value, 'profile.conformanceProfiles');
  const known: readonly string[] = UPSTREAM_CONFORMANCE_PROFILES;
  const unknown = listed?.find((p) => !known.includes(p));
  if (unknown !== undefined) {
    const fix = `use upstream names: ${UPSTREAM_CONFORMANCE_PROFILES.join(', ')}`;
    read.fail('profile.conformanceProfiles', `names unknown conformance profile ${unknown}`, fix);
  }
  return listed;
}

/** `version: 1.10` is the number 1.1 to YAML: the report would name another version. */
function unquotedVersionProblem(version: number): string {
  return `must be a string, got the number ${version} (YAML reads an unquoted version such as 1.10 as a number)`;
}

/** Who the ConformanceReport names as the implementation. */
function implementationOf(read: ConfigReader, value: unknown): ImplementationInfo {
  if (value === undefined || value === null) {
    const fix = 'give at least organization, project and version';
    read.fail('profile.implementation', 'is required for the ConformanceReport', fix);
  }
  const keys = ['organization', 'project', 'url', 'version', 'contact'];
  const impl = read.mapping(value, 'profile.implementation', keys);
  if (typeof impl.version === 'number') {
    const fix = 'quote it as you mean it, e.g. version: "1.10"';
    read.fail('profile.implementation.version', unquotedVersionProblem(impl.version), fix);
  }
  return {
    organization: read.text(impl.organization, 'profile.implementation.organization'),
    project: read.text(impl.project, 'profile.implementation.project'),
    url: read.optionalText(impl.url, 'profile.implementation.url') ?? '',
    version: read.text(impl.version, 'profile.implementation.version', 'the version you test, e.g. v1.2.3'),
    contact: read.strings(impl.contact, 'profile.implementation.contact') ?? [],
  };
}

/** Where the diagnostics bundle finds the controller's and the Gateways' pods. */
function diagnosticsOf(read: ConfigReader, value: unknown): DiagnosticsSpec {
  const diagnostics: DiagnosticsSpec = { controllerPods: [], gatewayPodSelector: DEFAULT_GATEWAY_POD_SELECTOR };
  if (value === undefined || value === null) return diagnostics;
  const diag = read.mapping(value, 'profile.diagnostics', ['controllerPods', 'gatewayPodSelector']);
  if (diag.controllerPods !== undefined && diag.controllerPods !== null) {
    diagnostics.controllerPods = controllerPodsOf(read, diag.controllerPods);
  }
  const what = "a label selector ({gateway} = the Gateway's name)";
  diagnostics.gatewayPodSelector =
    read.optionalText(diag.gatewayPodSelector, 'profile.diagnostics.gatewayPodSelector', what) ??
    DEFAULT_GATEWAY_POD_SELECTOR;
  return diagnostics;
}

function controllerPodsOf(read: ConfigReader, value: unknown): DiagnosticsSpec['controllerPods'] {
  if (!Array.isArray(value)) {
    const fix = 'write it as [{namespace: acme-system, labelSelector: app=acme}]';
    read.fail('profile.diagnostics.controllerPods', 'must be a list', fix);
  }
  return value.map((entry, i) => {
    const key = `profile.diagnostics.controllerPods[${i}]`;
    const pod = read.mapping(entry, key, ['namespace', 'labelSelector']);
    const namespace = read.text(pod.namespace, `${key}.namespace`, 'a namespace name');
    if (!DNS_LABEL.test(namespace)) {
      read.fail(`${key}.namespace`, `"${namespace}" is not a namespace name`, "use lower-case letters, digits and '-'");
    }
    return {
      namespace,
      labelSelector: read.text(pod.labelSelector, `${key}.labelSelector`, 'a label selector such as app=acme'),
    };
  });
}

/** How `--provider kind` installs the implementation; paths are relative to the config file. */
function installOf(read: ConfigReader, value: unknown): VendorInstall {
  const keys = ['command', 'manifests', 'timeoutSeconds', 'gatewayClassTimeoutSeconds'];
  const inst = read.mapping(value, 'profile.install', keys);
  if (typeof inst.command === 'string') {
    const fix = 'write it as an argument array, e.g. [helm, install, acme, ./chart]';
    read.fail('profile.install.command', 'is a string, but kindgate runs no shell', fix);
  }
  const command = read.strings(inst.command, 'profile.install.command');
  const manifests = read.strings(inst.manifests, 'profile.install.manifests') ?? [];
  if ((!command || command.length === 0) && manifests.length === 0) {
    const fix = 'give install.command (an argument array), install.manifests (files), or both';
    read.fail('profile.install', 'has neither a command nor manifests', fix);
  }
  const base = dirname(resolve(read.file));
  return {
    // A relative program path (./install.sh) is relative to the config file, like the manifests.
    command:
      command && command.length > 0
        ? [/^\.\.?\//.test(command[0]) ? resolve(base, command[0]) : command[0], ...command.slice(1)]
        : undefined,
    manifests: manifests.map((m) => (isAbsolute(m) ? m : resolve(base, m))),
    timeoutMs: read.seconds(inst.timeoutSeconds, 'profile.install.timeoutSeconds', DEFAULT_INSTALL_TIMEOUT_S),
    gatewayClassTimeoutMs: read.seconds(
      inst.gatewayClassTimeoutSeconds,
      'profile.install.gatewayClassTimeoutSeconds',
      DEFAULT_GATEWAY_CLASS_TIMEOUT_S,
    ),
  };
}

/**
 * `--provider kind` installs the implementation itself: the profile needs an install step whose
 * files exist. Checked at parse time so nothing is created before the mistake is found.
 */
export function checkInstallableByKind(profile: ProfileConfig): void {
  const where = `Config file ${profile.file}`;
  if (!profile.install) throw new UsageError(noInstallStepMessage(where, profile.name));
  profile.install.manifests.forEach((path, i) => {
    if (!existsSync(path))
      throw new UsageError(
        `${where}: profile.install.manifests[${i}] ${path} does not exist; paths are relative to the config file.`,
      );
  });
  const program = profile.install.command?.[0];
  if (program && isAbsolute(program) && !existsSync(program)) {
    throw new UsageError(
      `${where}: profile.install.command program ${program} does not exist; a relative path (./x) is relative to the config file.`,
    );
  }
}

function noInstallStepMessage(where: string, profile: string): string {
  return (
    `${where}: profile "${profile}" has no install step, so --provider kind cannot install it; ` +
    'add profile.install (a command and/or manifests), or use --provider existing on a cluster where it is installed.'
  );
}
