import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { eventTime, sortEvents } from '../kube/events.ts';
import type { KubeObject, ObjectRef } from '../kube/types.ts';
import type { Logger } from '../log.ts';
import type { Profile } from '../profiles/types.ts';
import type { GatewayRef } from '../providers/types.ts';
import type { TestRecord } from './results.ts';
import { redactSecrets } from './redact.ts';
import { firstLine, stripAnsi } from './text.ts';

/**
 * The diagnostics bundle written when anything fails: what a person would otherwise collect by
 * hand with kubectl before the cluster is gone. Every step is best effort: a step that fails is
 * noted in the bundle's README and the rest still runs. Secrets are never read, let alone written;
 * logs and objects are passed through a redaction of credential-looking text.
 */

/** The Kube methods the bundle needs (harness/kube/client.ts Kube satisfies it). */
export interface DiagnosticsKube {
  list(apiVersion: string, kind: string, opts?: { namespace?: string; labelSelector?: string }): Promise<KubeObject[]>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  podLogs(namespace: string, pod: string, opts?: { container?: string; tailLines?: number }): Promise<string>;
  events(namespace: string): Promise<KubeObject[]>;
}

export interface DiagnosticsFailure {
  /** Setup failed before the suites ran (the error's message). */
  setup?: string;
  /** Failed tests (suite, title, error). */
  tests?: Pick<TestRecord, 'suite' | 'title' | 'id' | 'error'>[];
}

export interface DiagnosticsInput {
  kube: DiagnosticsKube;
  /** The report directory; the bundle goes to `<dir>/diagnostics/`. */
  dir: string;
  /** Namespaces involved (fixtures, Gateways). */
  namespaces: string[];
  /** Further objects to include (any namespace); Secrets among them are refused. */
  objects?: ObjectRef[];
  profile: Pick<Profile, 'name' | 'diagnostics'>;
  gateways: GatewayRef[];
  failure: DiagnosticsFailure;
  /** Provider-specific collection (kind: `kind export logs`), given `<bundle>/provider`. */
  providerDiagnose?: (dir: string) => Promise<void>;
  log?: Logger;
  /** Log lines kept per container (default 2000). */
  tailLines?: number;
  /** Upper bound for one collection step (default 60 s; the provider step gets 4×). */
  stepTimeoutMs?: number;
}

export interface DiagnosticsBundle {
  dir: string;
  readme: string;
  /** Collection steps that failed, as written in the README. */
  problems: string[];
  /** Files written, relative to `dir`. */
  files: string[];
}

export const diagnosticsDirName = 'diagnostics';

const GATEWAY_API = 'gateway.networking.k8s.io';

/** Namespaced kinds collected per namespace, in the order a reader wants them. */
const NAMESPACED_KINDS: { apiVersion: string; kind: string; file: string }[] = [
  { apiVersion: `${GATEWAY_API}/v1`, kind: 'Gateway', file: 'gateways.yaml' },
  { apiVersion: `${GATEWAY_API}/v1`, kind: 'HTTPRoute', file: 'httproutes.yaml' },
  { apiVersion: `${GATEWAY_API}/v1beta1`, kind: 'ReferenceGrant', file: 'referencegrants.yaml' },
  { apiVersion: 'v1', kind: 'Service', file: 'services.yaml' },
  { apiVersion: 'apps/v1', kind: 'Deployment', file: 'deployments.yaml' },
  { apiVersion: 'v1', kind: 'Pod', file: 'pods.yaml' },
];

/** Kinds never written, whatever a caller passes. */
const FORBIDDEN_KINDS = new Set(['Secret']);

/** Noise (managedFields) and places a Secret's content can echo (last-applied annotation) go. */
export function sanitizeObject(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  const meta = { ...copy.metadata };
  delete meta.managedFields;
  if (meta.annotations) {
    const annotations = { ...meta.annotations };
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    meta.annotations = annotations;
    if (Object.keys(annotations).length === 0) delete meta.annotations;
  }
  copy.metadata = meta;
  return copy;
}

export function objectsYaml(objects: KubeObject[]): string {
  if (objects.length === 0) return '# none\n';
  return redactSecrets(objects.map((o) => stringify(sanitizeObject(o), { lineWidth: 0 })).join('---\n'));
}

// --- conditions, readable --------------------------------------------------------------------

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

/** Conditions whose healthy status is False; every other known type is healthy when True. */
const HEALTHY_WHEN_FALSE = new Set(['Conflicted', 'Detached', 'OverlappingTLSConfig']);

function conditionsOf(value: unknown): Condition[] {
  return Array.isArray(value) ? (value as Condition[]).filter((c) => c && typeof c.type === 'string') : [];
}

function describeCondition(c: Condition): string {
  const detail = [c.reason, c.message].filter(Boolean).join(': ');
  return `${c.type}=${c.status}${detail ? ` (${detail})` : ''}${c.observedGeneration !== undefined ? ` [observedGeneration ${c.observedGeneration}]` : ''}`;
}

function unhealthy(c: Condition): boolean {
  return HEALTHY_WHEN_FALSE.has(c.type) ? c.status !== 'False' : c.status !== 'True';
}

interface ConditionLine {
  object: string;
  where: string;
  condition: Condition;
}

/** Every condition of Gateway API objects: the object, the part (listener, parent), the condition. */
export function conditionLines(obj: KubeObject): ConditionLine[] {
  const status = (obj.status ?? {}) as {
    conditions?: unknown;
    listeners?: { name?: string; conditions?: unknown; attachedRoutes?: number }[];
    parents?: { parentRef?: { name?: string; namespace?: string; sectionName?: string }; controllerName?: string; conditions?: unknown }[];
  };
  const object = `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
  const lines: ConditionLine[] = conditionsOf(status.conditions).map((condition) => ({ object, where: '', condition }));
  for (const l of status.listeners ?? []) {
    for (const condition of conditionsOf(l.conditions)) lines.push({ object, where: `listener ${l.name} (attachedRoutes ${l.attachedRoutes ?? '?'})`, condition });
  }
  for (const p of status.parents ?? []) {
    const ref = p.parentRef ?? {};
    const parent = `${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}${ref.sectionName ? `#${ref.sectionName}` : ''}`;
    for (const condition of conditionsOf(p.conditions)) lines.push({ object, where: `parent ${parent} (${p.controllerName ?? 'no controller'})`, condition });
  }
  return lines;
}

function statusText(objects: KubeObject[]): string {
  const out: string[] = [];
  for (const obj of objects) {
    const lines = conditionLines(obj);
    const generation = obj.metadata.generation !== undefined ? ` (generation ${obj.metadata.generation})` : '';
    out.push(`${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}${generation}`);
    if (lines.length === 0) out.push('  no status conditions');
    let where: string | undefined;
    for (const l of lines) {
      if (l.where !== where) {
        where = l.where;
        if (where) out.push(`  ${where}`);
      }
      out.push(`${where ? '    ' : '  '}${unhealthy(l.condition) ? '✗' : '✓'} ${describeCondition(l.condition)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

// --- events ----------------------------------------------------------------------------------

export { sortEvents };

/** `kubectl get events` as a table: time, type, reason, object, count, message. */
export function eventsTable(events: KubeObject[]): string {
  const rows = sortEvents(events).map((e) => {
    const x = e as {
      type?: string;
      reason?: string;
      message?: string;
      note?: string;
      count?: number;
      involvedObject?: { kind?: string; name?: string };
      regarding?: { kind?: string; name?: string };
    };
    const about = x.involvedObject ?? x.regarding ?? {};
    return [eventTime(e) || '-', x.type ?? '-', x.reason ?? '-', `${about.kind ?? '?'}/${about.name ?? '?'}`, String(x.count ?? 1), (x.message ?? x.note ?? '').replace(/\s*\n\s*/g, ' ')];
  });
  if (rows.length === 0) return 'no events\n';
  const header = ['TIME', 'TYPE', 'REASON', 'OBJECT', 'COUNT', 'MESSAGE'];
  const widths = header.map((h, i) => (i === header.length - 1 ? 0 : Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

// --- the bundle ------------------------------------------------------------------------------

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_');
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
    timer.unref?.();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function errorText(error: unknown): string {
  return firstLine(stripAnsi(error instanceof Error ? error.message : String(error))) || 'unknown error';
}

interface Containers {
  spec?: { containers?: { name: string }[]; initContainers?: { name: string }[] };
}

export async function collectDiagnostics(input: DiagnosticsInput): Promise<DiagnosticsBundle> {
  const root = join(input.dir, diagnosticsDirName);
  const stepMs = input.stepTimeoutMs ?? 60_000;
  const tailLines = input.tailLines ?? 2000;
  const problems: string[] = [];
  const files: string[] = [];
  const gatewayApiObjects: KubeObject[] = [];
  await mkdir(root, { recursive: true });

  const write = async (path: string, text: string) => {
    const full = join(root, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, redactSecrets(text), 'utf8');
    files.push(path);
  };
  /** Run one collection step; a failure is noted, never thrown. */
  const step = async (what: string, work: () => Promise<void>, ms = stepMs) => {
    try {
      await withTimeout(work(), ms, what);
    } catch (error) {
      const problem = `${what}: ${errorText(error)}`;
      problems.push(problem);
      input.log?.warn(`diagnostics: ${problem}`);
    }
  };

  await step('GatewayClasses', async () => {
    const classes = await input.kube.list(`${GATEWAY_API}/v1`, 'GatewayClass');
    gatewayApiObjects.push(...classes);
    await write('cluster/gatewayclasses.yaml', objectsYaml(classes));
    await write('cluster/status.txt', statusText(classes));
  });

  for (const ns of unique(input.namespaces)) {
    const status: KubeObject[] = [];
    for (const { apiVersion, kind, file } of NAMESPACED_KINDS) {
      await step(`${kind}s in ${ns}`, async () => {
        const objects = await input.kube.list(apiVersion, kind, { namespace: ns });
        if (apiVersion.startsWith(GATEWAY_API)) status.push(...objects);
        await write(`${safeName(ns)}/${file}`, objectsYaml(objects));
      });
    }
    gatewayApiObjects.push(...status);
    if (status.length > 0) await step(`status of ${ns}`, () => write(`${safeName(ns)}/status.txt`, statusText(status)));
    await step(`events in ${ns}`, async () => {
      const events = sortEvents(await input.kube.events(ns));
      await write(`${safeName(ns)}/events.yaml`, objectsYaml(events));
      await write(`${safeName(ns)}/events.txt`, eventsTable(events));
    });
  }

  const extra = (input.objects ?? []).filter((ref) => !FORBIDDEN_KINDS.has(ref.kind));
  for (const ref of input.objects ?? []) {
    if (FORBIDDEN_KINDS.has(ref.kind)) problems.push(`${ref.kind} ${ref.namespace ?? ''}/${ref.name}: not collected (Secrets are never written)`);
  }
  for (const ref of extra) {
    const name = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
    await step(name, async () => {
      const obj = await input.kube.get(ref);
      const path = `objects/${safeName(`${ref.kind}-${ref.namespace ?? 'cluster'}-${ref.name}`)}.yaml`;
      if (!obj) {
        await write(path, `# ${name} does not exist\n`);
        return;
      }
      if (obj.apiVersion.startsWith(GATEWAY_API)) gatewayApiObjects.push(obj);
      await write(path, objectsYaml([obj]));
    });
  }

  const logSources = [
    ...input.profile.diagnostics.controllerPods.map((c) => ({ what: `controller pods (${c.labelSelector}) in ${c.namespace}`, ...c })),
    ...input.gateways.map((gw) => ({
      what: `pods of Gateway ${gw.namespace}/${gw.name}`,
      namespace: gw.namespace,
      labelSelector: input.profile.diagnostics.gatewayPodSelector.replaceAll('{gateway}', gw.name),
    })),
  ];
  for (const source of logSources) {
    let pods: KubeObject[] = [];
    await step(source.what, async () => {
      pods = await input.kube.list('v1', 'Pod', { namespace: source.namespace, labelSelector: source.labelSelector });
      await write(`logs/${safeName(source.namespace)}/pods-${safeName(source.labelSelector)}.yaml`, objectsYaml(pods));
      if (pods.length === 0) problems.push(`${source.what}: no pods match`);
    });
    for (const pod of pods) {
      const spec = (pod as Containers).spec ?? {};
      const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c.name);
      for (const container of containers.length > 0 ? containers : [undefined]) {
        const label = `logs of pod ${source.namespace}/${pod.metadata.name}${container ? ` container ${container}` : ''}`;
        await step(label, async () => {
          const text = await input.kube.podLogs(source.namespace, pod.metadata.name, { container, tailLines });
          await write(`logs/${safeName(source.namespace)}/${safeName(pod.metadata.name)}${container ? `_${safeName(container)}` : ''}.log`, text);
        });
      }
    }
  }

  if (input.providerDiagnose) {
    const providerDir = join(root, 'provider');
    await step(
      'provider diagnostics',
      async () => {
        await mkdir(providerDir, { recursive: true });
        await input.providerDiagnose!(providerDir);
        files.push('provider/');
      },
      stepMs * 4,
    );
  }

  const readme = renderReadme({ input, problems, files, gatewayApiObjects });
  await writeFile(join(root, 'README.md'), redactSecrets(readme), 'utf8');
  return { dir: root, readme, problems, files: ['README.md', ...files] };
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter(Boolean))];
}

// --- README ----------------------------------------------------------------------------------

function fileOf(obj: KubeObject): string {
  if (!obj.metadata.namespace) return 'cluster/status.txt';
  return `${safeName(obj.metadata.namespace)}/status.txt`;
}

function yamlFileOf(obj: KubeObject): string | undefined {
  if (!obj.metadata.namespace) return obj.kind === 'GatewayClass' ? 'cluster/gatewayclasses.yaml' : undefined;
  const kind = NAMESPACED_KINDS.find((k) => k.kind === obj.kind);
  return kind ? `${safeName(obj.metadata.namespace)}/${kind.file}` : undefined;
}

function renderReadme(args: { input: DiagnosticsInput; problems: string[]; files: string[]; gatewayApiObjects: KubeObject[] }): string {
  const { input, problems, files } = args;
  const out: string[] = ['# kindgate diagnostics', ''];
  out.push(`Profile \`${input.profile.name}\`; namespaces ${unique(input.namespaces).map((n) => `\`${n}\``).join(', ') || '(none)'}.`, '');

  out.push('## What failed', '');
  const failed = input.failure.tests ?? [];
  if (input.failure.setup !== undefined) out.push(`- **setup** (before the suites ran): ${oneLine(input.failure.setup)}`);
  for (const t of failed) out.push(`- **${t.suite} › ${t.title}**: ${oneLine(t.error ?? 'failed')}`);
  if (input.failure.setup === undefined && failed.length === 0) out.push('- nothing was reported as failed (bundle collected on request)');
  out.push('');

  out.push('## Where to look first', '');
  const looks: string[] = [];
  const seen = new Set<string>();
  const unhealthyLines = dedupeObjects(args.gatewayApiObjects).flatMap((o) => conditionLines(o).filter((l) => unhealthy(l.condition)).map((l) => ({ o, l })));
  for (const { o, l } of unhealthyLines) {
    const yaml = yamlFileOf(o);
    const key = `${l.object}|${l.where}|${l.condition.type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    looks.push(
      `- ${l.object}${l.where ? ` ${l.where}` : ''}: **${describeCondition(l.condition)}** → \`${fileOf(o)}\`${yaml ? `, full object in \`${yaml}\`` : ''}`,
    );
  }
  const suites = new Set(failed.map((t) => t.suite));
  const firstNs = unique(input.namespaces).map(safeName);
  if (input.failure.setup !== undefined) looks.push(`- setup failed: the events (${firstNs.map((n) => `\`${n}/events.txt\``).join(', ') || 'none collected'}) and the controller logs in \`logs/\``);
  if (suites.has('gateway')) looks.push('- Gateway conditions and listeners: `*/status.txt`, then the controller logs in `logs/`');
  if (suites.has('httproute')) looks.push('- HTTPRoute parent conditions: `*/status.txt` (per parent), objects in `*/httproutes.yaml`');
  if (suites.has('routing') || suites.has('header-routing')) {
    looks.push('- HTTP routing: the HTTPRoute rules and parent conditions (`*/httproutes.yaml`, `*/status.txt`), then the gateway pod logs in `logs/`');
  }
  if (looks.length === 0) looks.push('- the events of each namespace (`<namespace>/events.txt`) and the controller logs in `logs/`');
  out.push(...looks, '');

  out.push('## Contents', '');
  out.push('- `cluster/`: GatewayClasses (YAML with status) and their conditions (`status.txt`)');
  out.push('- `<namespace>/`: Gateways, HTTPRoutes, ReferenceGrants, Services, Deployments, Pods (YAML with status), `status.txt` (conditions, readable), `events.yaml` and `events.txt` (oldest first)');
  if (files.some((f) => f.startsWith('objects/'))) out.push('- `objects/`: further objects involved in the run');
  out.push('- `logs/<namespace>/`: logs of the controller and gateway pods (one file per container) and the pods they came from');
  if (files.includes('provider/')) out.push('- `provider/`: what the cluster provider collected (kind: `kind export logs`)');
  out.push('', 'Secrets are never collected; credential-looking text (bearer tokens, keys, kubeconfig fields) is replaced by `[REDACTED]`.', '');

  out.push('## Collection problems', '');
  if (problems.length === 0) out.push('None: every collection step succeeded.');
  else out.push(...problems.map((p) => `- ${oneLine(p)}`));
  out.push('');
  return out.join('\n');
}

function oneLine(text: string): string {
  const clean = stripAnsi(text).replace(/\s*\n\s*/g, ' ').trim();
  return clean.length > 400 ? `${clean.slice(0, 399)}…` : clean;
}

function dedupeObjects(objects: KubeObject[]): KubeObject[] {
  const byKey = new Map<string, KubeObject>();
  for (const o of objects) byKey.set(`${o.apiVersion.split('/')[0]}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`, o);
  return [...byKey.values()];
}

/** The failure description from a run's results (and a setup error, if any). */
export function failureOf(tests: readonly TestRecord[], setupError?: string): DiagnosticsFailure {
  return {
    ...(setupError !== undefined ? { setup: setupError } : {}),
    tests: tests.filter((t) => t.state === 'failed').map(({ suite, title, id, error }) => ({ suite, title, id, error })),
  };
}
