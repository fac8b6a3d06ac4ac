import { describeCondition, isHealthyCondition } from '../../kube/conditions.ts';
import type { KubeObject } from '../../kube/types.ts';
import { stripAnsi } from '../text.ts';
import { safeName } from './bundle-writer.ts';
import { GATEWAY_CLASSES_FILE, NAMESPACED_KINDS } from './objects.ts';
import { conditionLines, FULL_CONDITION } from './status.ts';
import type { DiagnosticsFailure } from './types.ts';

/**
 * The bundle's README.md: what failed, where to look first (every unhealthy Gateway API condition
 * with the file that shows it, then hints per failed suite), what the bundle holds, and what could
 * not be collected.
 */

export interface ReadmeInput {
  profileName: string;
  /** The namespaces collected, without duplicates, in the caller's order. */
  namespaces: string[];
  failure: DiagnosticsFailure;
  /** Every Gateway API object collected (duplicates allowed: the last copy wins). */
  gatewayApiObjects: KubeObject[];
  problems: string[];
  files: string[];
}

/** The first line of every bundle's README: how a later run knows the bundle is kindgate's to replace. */
export const BUNDLE_MARKER = '# kindgate diagnostics';

/** The README while collection runs: an interrupted bundle still says what it is. */
export function placeholderReadme(): string {
  return `${BUNDLE_MARKER}\n\nCollection did not finish (the run was interrupted while collecting).\n`;
}

export function renderReadme(input: ReadmeInput): string {
  const namespaces = input.namespaces.map((n) => `\`${n}\``).join(', ') || '(none)';
  return [
    BUNDLE_MARKER,
    '',
    `Profile \`${input.profileName}\`; namespaces ${namespaces}.`,
    '',
    ...section('What failed', whatFailed(input.failure)),
    ...section('Where to look first', whereToLook(input)),
    ...section('Contents', contents(input.files)),
    ...section('Collection problems', collectionProblems(input.problems)),
  ].join('\n');
}

function section(title: string, lines: string[]): string[] {
  return [`## ${title}`, '', ...lines, ''];
}

function whatFailed(failure: DiagnosticsFailure): string[] {
  const out: string[] = [];
  const failed = failure.tests ?? [];
  if (failure.setup !== undefined) out.push(`- **setup** (before the suites ran): ${oneLine(failure.setup)}`);
  for (const t of failed) out.push(`- **${t.suite} › ${t.title}**: ${oneLine(t.error ?? 'failed')}`);
  if (failure.setup === undefined && failed.length === 0) {
    out.push('- nothing was reported as failed (bundle collected on request)');
  }
  return out;
}

function whereToLook(input: ReadmeInput): string[] {
  const looks = [...unhealthyConditions(input.gatewayApiObjects), ...suiteHints(input)];
  if (looks.length === 0)
    looks.push('- the events of each namespace (`<namespace>/events.txt`) and the controller logs in `logs/`');
  return looks;
}

/** One line per unhealthy condition (object, part, type), naming the files that show it. */
function unhealthyConditions(objects: KubeObject[]): string[] {
  const looks: string[] = [];
  const seen = new Set<string>();
  for (const o of dedupeObjects(objects)) {
    for (const l of conditionLines(o).filter((line) => !isHealthyCondition(line.condition))) {
      const key = `${l.object}|${l.where}|${l.condition.type}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const yaml = yamlFileOf(o);
      const where = l.where ? ` ${l.where}` : '';
      const full = yaml ? `, full object in \`${yaml}\`` : '';
      looks.push(
        `- ${l.object}${where}: **${describeCondition(l.condition, FULL_CONDITION)}** → \`${statusFileOf(o)}\`${full}`,
      );
    }
  }
  return looks;
}

const ROUTING_HINT =
  '- HTTP routing: the HTTPRoute rules and parent conditions (`*/httproutes.yaml`, `*/status.txt`), ' +
  'then the gateway pod logs in `logs/`';

/** Where a failed setup or a failed suite usually shows its cause. */
function suiteHints(input: ReadmeInput): string[] {
  const hints: string[] = [];
  const suites = new Set((input.failure.tests ?? []).map((t) => t.suite));
  if (input.failure.setup !== undefined) {
    const events = input.namespaces.map((n) => `\`${safeName(n)}/events.txt\``).join(', ') || 'none collected';
    hints.push(`- setup failed: the events (${events}) and the controller logs in \`logs/\``);
  }
  if (suites.has('gateway'))
    hints.push('- Gateway conditions and listeners: `*/status.txt`, then the controller logs in `logs/`');
  if (suites.has('httproute')) {
    hints.push('- HTTPRoute parent conditions: `*/status.txt` (per parent), objects in `*/httproutes.yaml`');
  }
  if (suites.has('routing') || suites.has('header-routing')) hints.push(ROUTING_HINT);
  return hints;
}

const NAMESPACE_CONTENTS =
  '- `<namespace>/`: Gateways, HTTPRoutes, ReferenceGrants, Services, Deployments, Pods (YAML with status), ' +
  '`status.txt` (conditions, readable), `events.yaml` and `events.txt` (oldest first)';
const LOGS_CONTENTS =
  '- `logs/<namespace>/`: logs of the controller and gateway pods (one file per container) and the pods they came from';
const REDACTION_NOTE =
  'Secrets are never collected; credential-looking text (bearer tokens, keys, kubeconfig fields, env and annotation values ' +
  'whose names look secret) is replaced by `[REDACTED]`.';

function contents(files: string[]): string[] {
  const out = [
    '- `cluster/`: GatewayClasses (YAML with status) and their conditions (`status.txt`)',
    NAMESPACE_CONTENTS,
  ];
  if (files.some((f) => f.startsWith('objects/'))) out.push('- `objects/`: further objects involved in the run');
  out.push(LOGS_CONTENTS);
  if (files.includes('provider/'))
    out.push('- `provider/`: what the cluster provider collected (kind: `kind export logs`)');
  out.push('', REDACTION_NOTE);
  return out;
}

function collectionProblems(problems: string[]): string[] {
  if (problems.length === 0) return ['None: every collection step succeeded.'];
  return problems.map((p) => `- ${oneLine(p)}`);
}

function statusFileOf(obj: KubeObject): string {
  if (!obj.metadata.namespace) return 'cluster/status.txt';
  return `${safeName(obj.metadata.namespace)}/status.txt`;
}

function yamlFileOf(obj: KubeObject): string | undefined {
  if (!obj.metadata.namespace) return obj.kind === 'GatewayClass' ? GATEWAY_CLASSES_FILE : undefined;
  const kind = NAMESPACED_KINDS.find((k) => k.kind === obj.kind);
  return kind ? `${safeName(obj.metadata.namespace)}/${kind.file}` : undefined;
}

function oneLine(text: string): string {
  const clean = stripAnsi(text)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return clean.length > 400 ? `${clean.slice(0, 399)}…` : clean;
}

/** The same object collected twice (its namespace's list and the requested objects) is described once. */
function dedupeObjects(objects: KubeObject[]): KubeObject[] {
  const byKey = new Map<string, KubeObject>();
  for (const o of objects) {
    byKey.set(`${o.apiVersion.split('/')[0]}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`, o);
  }
  return [...byKey.values()];
}
