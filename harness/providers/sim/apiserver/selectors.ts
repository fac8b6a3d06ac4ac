import type { KubeObject } from './store.ts';

/**
 * Label and field selectors as the API server parses them from `?labelSelector=` and
 * `?fieldSelector=`. Label selectors support `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)` and
 * `a notin (x,y)`; field selectors support `=`, `==` and `!=` on the fields listed in
 * FIELD_LABELS (anything else is a 400, as on a real server).
 */

export class SelectorError extends Error {}

const KEY = '[A-Za-z0-9][-A-Za-z0-9_./]*';
const VALUE = '[-A-Za-z0-9_.]*';

type Requirement = (labels: Record<string, string>) => boolean;

export function parseLabelSelector(text: string | null | undefined): (obj: KubeObject) => boolean {
  const reqs: Requirement[] = [];
  for (const term of splitTerms(text ?? '')) {
    let m: RegExpMatchArray | null;
    if ((m = term.match(new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`)))) {
      const [, key, op, list] = m;
      const values = new Set(
        list
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      );
      reqs.push(op === 'in' ? (l) => key in l && values.has(l[key]) : (l) => !(key in l) || !values.has(l[key]));
    } else if ((m = term.match(new RegExp(`^(${KEY})\\s*!=\\s*(${VALUE})$`)))) {
      const [, key, value] = m;
      reqs.push((l) => l[key] !== value);
    } else if ((m = term.match(new RegExp(`^(${KEY})\\s*==?\\s*(${VALUE})$`)))) {
      const [, key, value] = m;
      reqs.push((l) => l[key] === value);
    } else if ((m = term.match(new RegExp(`^!\\s*(${KEY})$`)))) {
      const key = m[1];
      reqs.push((l) => !(key in l));
    } else if ((m = term.match(new RegExp(`^(${KEY})$`)))) {
      const key = m[1];
      reqs.push((l) => key in l);
    } else {
      throw new SelectorError(`unable to parse requirement: ${JSON.stringify(term)}`);
    }
  }
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return reqs.every((r) => r(labels));
  };
}

/** Field selector paths each kind supports beyond metadata.name / metadata.namespace. */
const FIELD_LABELS: Record<string, string[]> = {
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
  ],
  Secret: ['type'],
  Namespace: ['status.phase'],
};

export function parseFieldSelector(text: string | null | undefined, kind: string): (obj: KubeObject) => boolean {
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELD_LABELS[kind] ?? [])]);
  const reqs: ((obj: KubeObject) => boolean)[] = [];
  for (const term of (text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    const m = term.match(/^([^!=]+?)\s*(!=|==|=)\s*(.*)$/);
    if (!m) throw new SelectorError(`invalid selector: '${term}'; can't understand '${term}'`);
    const [, field, op, value] = m;
    if (!allowed.has(field)) throw new SelectorError(`field label not supported: ${field}`);
    reqs.push((obj) => {
      const actual = String(readPath(obj, field) ?? '');
      return op === '!=' ? actual !== value : actual === value;
    });
  }
  return (obj) => reqs.every((r) => r(obj));
}

function readPath(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Split on commas that are not inside `in (...)` value lists. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter(Boolean);
}
