import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { DNS_LABEL } from '../kube/names.ts';
import { gatewayHttpCoreFeatures, gatewayHttpExtendedFeatures } from '../reports/conformance.ts';
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

type Raw = Record<string, unknown>;

/** Validate `profile:` (a mapping) from config file `file`; every mistake is one sentence naming file and key. */
export function parseProfileConfig(value: unknown, file: string): ProfileConfig {
  const fail = (key: string, problem: string, fix: string): never => {
    throw new UsageError(`Config file ${file}: ${key} ${problem}; ${fix}.`);
  };
  const mapping = (v: unknown, key: string, keys: readonly string[]): Raw => {
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      fail(key, 'must be a mapping', `give it the keys ${keys.join(', ')}`);
    for (const k of Object.keys(v as Raw)) {
      if (!keys.includes(k))
        fail(`${key}.${k}`, 'is not a known key', `valid keys under ${key} are ${keys.join(', ')}`);
    }
    return v as Raw;
  };
  const text = (v: unknown, key: string, required: boolean, what = 'a non-empty string'): string | undefined => {
    if (v === undefined || v === null) return required ? fail(key, 'is required', `set it to ${what}`) : undefined;
    if (typeof v !== 'string' || v.trim() === '')
      fail(key, `must be ${what}, got ${JSON.stringify(v)}`, 'fix the value');
    return v as string;
  };
  const strings = (v: unknown, key: string): string[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === ''))
      fail(key, 'must be a list of non-empty strings', `write it as [a, b]`);
    return v as string[];
  };
  const seconds = (v: unknown, key: string, fallback: number): number => {
    if (v === undefined || v === null) return fallback * 1000;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      fail(key, `must be a positive number of seconds, got ${JSON.stringify(v)}`, 'fix the value');
    return Math.round((v as number) * 1000);
  };

  const raw = mapping(value, 'profile', [
    'name',
    'gatewayClassName',
    'controllerName',
    'serverHeader',
    'supportedFeatures',
    'implementation',
    'conformanceProfiles',
    'diagnostics',
    'install',
  ]);

  const name = text(raw.name, 'profile.name', true, 'a DNS label such as acme')!;
  if (name.length > 63 || !DNS_LABEL.test(name))
    fail('profile.name', `"${name}" is not a DNS label`, "use at most 63 lower-case letters, digits and '-'");
  if ((builtinProfileNames as readonly string[]).includes(name))
    fail(
      'profile.name',
      `"${name}" is a built-in profile`,
      `write \`profile: ${name}\` to use it, or pick another name for yours`,
    );

  const gatewayClassName = text(
    raw.gatewayClassName,
    'profile.gatewayClassName',
    true,
    'the name of your GatewayClass',
  )!;
  if (gatewayClassName.length > 253 || !DNS_SUBDOMAIN.test(gatewayClassName)) {
    fail(
      'profile.gatewayClassName',
      `"${gatewayClassName}" is not a valid object name`,
      "use lower-case letters, digits, '-' and '.'",
    );
  }
  const controllerName = text(
    raw.controllerName,
    'profile.controllerName',
    true,
    'a domain-prefixed path such as example.com/gateway-controller',
  )!;
  if (controllerName.length > 253 || !CONTROLLER_NAME.test(controllerName)) {
    fail(
      'profile.controllerName',
      `"${controllerName}" is not a domain-prefixed path`,
      'write it as the GatewayClass spec.controllerName requires, e.g. example.com/gateway-controller',
    );
  }

  const serverHeader =
    text(raw.serverHeader, 'profile.serverHeader', false, 'a regular expression such as ^envoy$') ??
    DEFAULT_SERVER_HEADER;
  try {
    new RegExp(serverHeader);
  } catch (error) {
    fail('profile.serverHeader', `is not a valid regular expression (${(error as Error).message})`, 'fix the pattern');
  }

  const listed = strings(raw.supportedFeatures, 'profile.supportedFeatures') ?? [];
  const unknown = listed.filter((f) => !knownFeatures.includes(f));
  if (unknown.length > 0) {
    fail(
      'profile.supportedFeatures',
      `names unknown feature(s) ${unknown.join(', ')}`,
      `use upstream GATEWAY-HTTP feature names (Gateway API v1.6.1) such as HTTPRouteQueryParamMatching`,
    );
  }
  // Core features are what GATEWAY-HTTP conformance requires: always supported.
  const supportedFeatures = [...new Set([...gatewayHttpCoreFeatures, ...listed])];

  const impl = mapping(
    raw.implementation ??
      fail(
        'profile.implementation',
        'is required for the ConformanceReport',
        'give at least organization, project and version',
      ),
    'profile.implementation',
    ['organization', 'project', 'url', 'version', 'contact'],
  );
  const implementation: ImplementationInfo = {
    organization: text(impl.organization, 'profile.implementation.organization', true)!,
    project: text(impl.project, 'profile.implementation.project', true)!,
    url: text(impl.url, 'profile.implementation.url', false) ?? '',
    version: text(
      typeof impl.version === 'number' ? String(impl.version) : impl.version,
      'profile.implementation.version',
      true,
      'the version you test, e.g. v1.2.3',
    )!,
    contact: strings(impl.contact, 'profile.implementation.contact') ?? [],
  };

  const conformanceProfiles = strings(raw.conformanceProfiles, 'profile.conformanceProfiles');
  const unknownProfile = conformanceProfiles?.find(
    (p) => !(UPSTREAM_CONFORMANCE_PROFILES as readonly string[]).includes(p),
  );
  if (unknownProfile !== undefined)
    fail(
      'profile.conformanceProfiles',
      `names unknown conformance profile ${unknownProfile}`,
      `use upstream names: ${UPSTREAM_CONFORMANCE_PROFILES.join(', ')}`,
    );

  const diagnostics: DiagnosticsSpec = { controllerPods: [], gatewayPodSelector: DEFAULT_GATEWAY_POD_SELECTOR };
  if (raw.diagnostics !== undefined && raw.diagnostics !== null) {
    const diag = mapping(raw.diagnostics, 'profile.diagnostics', ['controllerPods', 'gatewayPodSelector']);
    if (diag.controllerPods !== undefined && diag.controllerPods !== null) {
      if (!Array.isArray(diag.controllerPods))
        fail(
          'profile.diagnostics.controllerPods',
          'must be a list',
          'write it as [{namespace: acme-system, labelSelector: app=acme}]',
        );
      diagnostics.controllerPods = (diag.controllerPods as unknown[]).map((entry, i) => {
        const key = `profile.diagnostics.controllerPods[${i}]`;
        const pod = mapping(entry, key, ['namespace', 'labelSelector']);
        const namespace = text(pod.namespace, `${key}.namespace`, true, 'a namespace name')!;
        if (!DNS_LABEL.test(namespace))
          fail(`${key}.namespace`, `"${namespace}" is not a namespace name`, "use lower-case letters, digits and '-'");
        return {
          namespace,
          labelSelector: text(pod.labelSelector, `${key}.labelSelector`, true, 'a label selector such as app=acme')!,
        };
      });
    }
    diagnostics.gatewayPodSelector =
      text(
        diag.gatewayPodSelector,
        'profile.diagnostics.gatewayPodSelector',
        false,
        "a label selector ({gateway} = the Gateway's name)",
      ) ?? DEFAULT_GATEWAY_POD_SELECTOR;
  }

  let install: VendorInstall | undefined;
  if (raw.install !== undefined && raw.install !== null) {
    const inst = mapping(raw.install, 'profile.install', [
      'command',
      'manifests',
      'timeoutSeconds',
      'gatewayClassTimeoutSeconds',
    ]);
    if (typeof inst.command === 'string') {
      fail(
        'profile.install.command',
        'is a string, but kindgate runs no shell',
        `write it as an argument array, e.g. [helm, install, acme, ./chart]`,
      );
    }
    const command = strings(inst.command, 'profile.install.command');
    const manifests = strings(inst.manifests, 'profile.install.manifests') ?? [];
    if ((!command || command.length === 0) && manifests.length === 0) {
      fail(
        'profile.install',
        'has neither a command nor manifests',
        'give install.command (an argument array), install.manifests (files), or both',
      );
    }
    const base = dirname(resolve(file));
    install = {
      // A relative program path (./install.sh) is relative to the config file, like the manifests.
      command:
        command && command.length > 0
          ? [/^\.\.?\//.test(command[0]) ? resolve(base, command[0]) : command[0], ...command.slice(1)]
          : undefined,
      manifests: manifests.map((m) => (isAbsolute(m) ? m : resolve(base, m))),
      timeoutMs: seconds(inst.timeoutSeconds, 'profile.install.timeoutSeconds', DEFAULT_INSTALL_TIMEOUT_S),
      gatewayClassTimeoutMs: seconds(
        inst.gatewayClassTimeoutSeconds,
        'profile.install.gatewayClassTimeoutSeconds',
        DEFAULT_GATEWAY_CLASS_TIMEOUT_S,
      ),
    };
  }

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

/**
 * `--provider kind` installs the implementation itself: the profile needs an install step whose
 * files exist. Checked at parse time so nothing is created before the mistake is found.
 */
export function checkInstallableByKind(profile: ProfileConfig): void {
  const where = `Config file ${profile.file}`;
  if (!profile.install) {
    throw new UsageError(
      `${where}: profile "${profile.name}" has no install step, so --provider kind cannot install it; add profile.install (a command and/or manifests), or use --provider existing on a cluster where it is installed.`,
    );
  }
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
