import { canonicalJson } from '../json.ts';
import { nowTimestamp } from '../timestamps.ts';
import type { KubeObject } from './store.ts';

/**
 * Server-side apply, simplified but faithful where the harness can tell the difference:
 *
 * - Each manager's fields live in metadata.managedFields (operation Apply or Update, FieldsV1).
 * - Applying merges the configuration into the live object: maps merge recursively; lists are
 *   atomic (replaced whole) except the keyed lists in KEYED_LISTS (containers, env, ports,
 *   listeners, conditions, ...), which merge item by item on their key when every item has a
 *   unique key.
 * - A field the manager applied before but no longer applies is removed from the object unless
 *   another manager also owns it.
 * - Changing a field another manager owns is a conflict (409) unless `force` is set, in which
 *   case the applier takes the field over.
 * - Applies to the main resource ignore status; applies to /status touch only status.
 * - Non-apply writes (POST, PUT, merge/JSON patches) record an Update entry for the fields they
 *   changed and take those fields from other managers, so later applies see the conflict.
 */

export type Fields = { [token: string]: Fields };

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Fields;
  subresource?: string;
}

export interface ApplyConflict {
  manager: string;
  field: string;
}

export class ApplyConflictError extends Error {
  constructor(
    readonly conflicts: ApplyConflict[],
    apiVersion: string,
  ) {
    const lines = conflicts.map((c) => `conflict with "${c.manager}" using ${apiVersion}: ${c.field}`);
    super(
      conflicts.length === 1
        ? `Apply failed with 1 conflict: ${lines[0]}`
        : `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`,
    );
  }
}

/** List fields that merge by key (field name -> key); every other list is atomic. */
export const KEYED_LISTS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  envFrom: 'prefix',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'name',
  listeners: 'name',
  conditions: 'type',
  imagePullSecrets: 'name',
};

/** metadata fields a manager can own; the rest (name, uid, resourceVersion, ...) are the server's. */
const OWNABLE_METADATA = ['labels', 'annotations', 'finalizers', 'ownerReferences'];

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** The part of an object a write to (subresource) may change, as a plain object. */
export function scopeOf(obj: KubeObject | Obj, subresource?: string): Obj {
  if (subresource === 'status') return 'status' in obj ? { status: obj.status } : {};
  const out: Obj = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata') {
      const meta: Obj = {};
      for (const mk of OWNABLE_METADATA) if (isObj(v) && v[mk] !== undefined) meta[mk] = v[mk];
      if (Object.keys(meta).length) out.metadata = meta;
      continue;
    }
    out[k] = v;
  }
  return out;
}

function listKey(field: string | undefined, items: Json[]): string | undefined {
  const key = field && KEYED_LISTS[field];
  if (!key || items.length === 0) return undefined;
  const seen = new Set<string>();
  for (const item of items) {
    if (!isObj(item) || (typeof item[key] !== 'string' && typeof item[key] !== 'number')) return undefined;
    const id = String(item[key]);
    if (seen.has(id)) return undefined;
    seen.add(id);
  }
  return key;
}

const itemToken = (key: string, item: Obj) => `k:${JSON.stringify({ [key]: item[key] })}`;

/** FieldsV1 of a configuration: every leaf field and keyed-list item it sets. */
export function fieldsOf(value: Obj): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    out[`f:${k}`] = fieldsOfValue(k, v);
  }
  return out;
}

function fieldsOfValue(field: string, v: Json): Fields {
  if (isObj(v)) return Object.keys(v).length ? fieldsOf(v) : {};
  if (Array.isArray(v)) {
    const key = listKey(field, v);
    if (!key) return {};
    const out: Fields = {};
    for (const item of v as Obj[]) out[itemToken(key, item)] = { '.': {}, ...fieldsOf(item) };
    return out;
  }
  return {};
}

/** Flatten to owned paths (JSON arrays of tokens): leaves and nodes marked with '.'. */
export function pathsOf(fields: Fields, prefix: string[] = [], out = new Set<string>()): Set<string> {
  const keys = Object.keys(fields);
  if (prefix.length && (keys.length === 0 || keys.includes('.'))) out.add(JSON.stringify(prefix));
  for (const k of keys) if (k !== '.') pathsOf(fields[k], [...prefix, k], out);
  return out;
}

export function fieldsFromPaths(paths: Iterable<string>): Fields {
  const root: Fields = {};
  const parsed = [...paths].map((p) => JSON.parse(p) as string[]);
  const owned = new Set([...paths]);
  for (const tokens of parsed) {
    let node = root;
    tokens.forEach((t, i) => {
      node[t] ??= {};
      node = node[t];
      // An owned item node with children needs '.' to say the item itself is owned.
      if (i === tokens.length - 1 && t.startsWith('k:')) node['.'] = {};
      else if (i < tokens.length - 1 && t.startsWith('k:') && owned.has(JSON.stringify(tokens.slice(0, i + 1))))
        node['.'] = {};
    });
  }
  // A lone '.' under a keyed item with no other children is still valid FieldsV1.
  return root;
}

/** Value at a token path; undefined if absent. */
export function getAt(root: Json, tokens: string[]): Json {
  let cur: Json = root;
  for (const t of tokens) {
    if (t.startsWith('f:')) {
      if (!isObj(cur)) return undefined;
      cur = cur[t.slice(2)];
    } else if (t.startsWith('k:')) {
      if (!Array.isArray(cur)) return undefined;
      const want = JSON.parse(t.slice(2)) as Obj;
      cur = cur.find((item) => isObj(item) && Object.entries(want).every(([k, v]) => item[k] === v));
    } else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Remove the field or list item at a token path, then drop maps the removal left empty. */
function removeAt(root: Obj, tokens: string[]): void {
  const parents: Json[] = [root];
  for (const t of tokens.slice(0, -1)) {
    const next = getAt(parents[parents.length - 1], [t]);
    if (next === undefined) return;
    parents.push(next);
  }
  const last = tokens[tokens.length - 1];
  const parent = parents[parents.length - 1];
  if (last.startsWith('f:') && isObj(parent)) delete parent[last.slice(2)];
  else if (last.startsWith('k:') && Array.isArray(parent)) {
    const item = getAt(parent, [last]);
    const i = parent.indexOf(item);
    if (i >= 0) parent.splice(i, 1);
  }
  // Prune empty maps upwards, but keep top-level fields such as `spec`.
  for (let i = parents.length - 1; i >= 2; i--) {
    const node = parents[i];
    if (!isObj(node) || Object.keys(node).length) break;
    const holder = parents[i - 1];
    const t = tokens[i - 1];
    if (isObj(holder) && t.startsWith('f:')) delete holder[t.slice(2)];
  }
}

/** Merge an applied configuration into a live value (null deletes a field). */
export function mergeApplied(live: Json, applied: Json, field?: string): Json {
  if (isObj(applied)) {
    const out: Obj = isObj(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = mergeApplied(out[k], v, k);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const key = listKey(field, applied);
    if (key && listKey(field, live) === key) {
      const out = [...live];
      for (const item of applied as Obj[]) {
        const i = out.findIndex((l) => (l as Obj)[key] === item[key]);
        if (i >= 0) out[i] = mergeApplied(out[i], item);
        else out.push(structuredClone(item));
      }
      return out;
    }
  }
  return structuredClone(applied);
}

function entriesOf(obj: KubeObject | undefined): ManagedFieldsEntry[] {
  const mf = obj?.metadata.managedFields;
  return Array.isArray(mf) ? (structuredClone(mf) as ManagedFieldsEntry[]) : [];
}

const sameEntry = (e: ManagedFieldsEntry, manager: string, op: string, sub?: string) =>
  e.manager === manager && e.operation === op && (e.subresource ?? '') === (sub ?? '');

/**
 * Apply `applied` (a configuration, e.g. from `kubectl apply --server-side`) on behalf of
 * `manager`. `live` is the current object or undefined (then the result is a new object).
 * Returns the object to store; throws ApplyConflictError on conflicts without `force`.
 */
export function serverSideApply(
  live: KubeObject | undefined,
  applied: KubeObject,
  opts: { manager: string; force?: boolean; subresource?: string },
): KubeObject {
  const sub = opts.subresource;
  const config = scopeOf(applied, sub);
  const appliedPaths = pathsOf(fieldsOf(config));
  let entries = entriesOf(live);
  const previous = entries.find((e) => sameEntry(e, opts.manager, 'Apply', sub));
  const previousPaths = previous ? pathsOf(previous.fieldsV1) : new Set<string>();
  const others = entries.filter((e) => e !== previous);
  const ownersOf = (p: string) => others.filter((e) => pathsOf(e.fieldsV1).has(p));

  // Conflicts: a field someone else owns that this apply would change.
  const taken = new Set<string>();
  const conflicts: ApplyConflict[] = [];
  if (live) {
    for (const p of appliedPaths) {
      const tokens = JSON.parse(p) as string[];
      if (tokens[tokens.length - 1].startsWith('k:')) continue; // list items: compare their fields
      if (canonicalJson(getAt(live, tokens)) === canonicalJson(getAt(config, tokens))) continue;
      const owners = ownersOf(p);
      if (!owners.length) continue;
      taken.add(p);
      for (const o of owners) conflicts.push({ manager: o.manager, field: fieldPathText(tokens) });
    }
  }
  if (conflicts.length && !opts.force) throw new ApplyConflictError(conflicts, applied.apiVersion);

  const base: KubeObject = live
    ? structuredClone(live)
    : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: { ...applied.metadata } };
  let merged = mergeApplied(scopeOf(base, sub), config) as Obj;

  // Fields this manager stopped applying go away unless someone else still owns them.
  merged = structuredClone(merged);
  for (const p of previousPaths) {
    if (appliedPaths.has(p) || ownersOf(p).length) continue;
    removeAt(merged, JSON.parse(p) as string[]);
  }

  const result: KubeObject = structuredClone(base);
  if (sub === 'status') {
    if (merged.status === undefined) delete result.status;
    else result.status = merged.status;
  } else {
    for (const k of Object.keys(result))
      if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k)) delete result[k];
    const { metadata: mergedMeta, ...rest } = merged;
    Object.assign(result, rest);
    for (const mk of OWNABLE_METADATA) delete result.metadata[mk];
    if (isObj(mergedMeta)) Object.assign(result.metadata, mergedMeta);
  }

  // Ownership: others lose fields taken by force; this manager owns exactly what it applied.
  entries = others.map((e) => (taken.size ? withoutPaths(e, taken) : e));
  const mine: ManagedFieldsEntry = {
    manager: opts.manager,
    operation: 'Apply',
    apiVersion: applied.apiVersion,
    time: nowTimestamp(),
    fieldsType: 'FieldsV1',
    fieldsV1: fieldsOf(config),
    ...(sub ? { subresource: sub } : {}),
  };
  // An unchanged apply keeps its timestamp, so a no-op apply is a no-op write.
  if (
    previous &&
    previous.apiVersion === mine.apiVersion &&
    canonicalJson(previous.fieldsV1) === canonicalJson(mine.fieldsV1)
  )
    mine.time = previous.time;
  // Keep the manager's place in the list (kubectl prints managedFields in order).
  const index = entriesOf(live).findIndex((e) => sameEntry(e, opts.manager, 'Apply', sub));
  if (index >= 0) entries.splice(Math.min(index, entries.length), 0, mine);
  else entries.push(mine);
  result.metadata.managedFields = pruneEntries(entries, result);
  return result;
}

/**
 * Record a non-apply write by `manager`: it owns the fields it changed (taking them from
 * others); fields that no longer exist leave every entry.
 */
export function recordUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  opts: { manager: string; apiVersion: string; subresource?: string },
): KubeObject {
  const sub = opts.subresource;
  const result = structuredClone(after);
  const afterScope = scopeOf(after, sub);
  const beforeScope = before ? scopeOf(before, sub) : {};
  const changed = new Set<string>();
  for (const p of pathsOf(fieldsOf(afterScope))) {
    const tokens = JSON.parse(p) as string[];
    if (canonicalJson(getAt(afterScope, tokens)) !== canonicalJson(getAt(beforeScope, tokens))) changed.add(p);
  }
  let entries = entriesOf(before);
  if (changed.size) {
    entries = entries.map((e) => (sameEntry(e, opts.manager, 'Update', sub) ? e : withoutPaths(e, changed)));
    const i = entries.findIndex((e) => sameEntry(e, opts.manager, 'Update', sub));
    const prior = i >= 0 ? pathsOf(entries[i].fieldsV1) : new Set<string>();
    const mine: ManagedFieldsEntry = {
      manager: opts.manager,
      operation: 'Update',
      apiVersion: opts.apiVersion,
      time: nowTimestamp(),
      fieldsType: 'FieldsV1',
      fieldsV1: fieldsFromPaths(new Set([...prior, ...changed])),
      ...(sub ? { subresource: sub } : {}),
    };
    if (i >= 0) entries[i] = mine;
    else entries.push(mine);
  }
  result.metadata.managedFields = pruneEntries(entries, result);
  if (!(result.metadata.managedFields as unknown[]).length) delete result.metadata.managedFields;
  return result;
}

function withoutPaths(e: ManagedFieldsEntry, remove: Set<string>): ManagedFieldsEntry {
  const kept = [...pathsOf(e.fieldsV1)].filter((p) => !remove.has(p));
  return { ...e, fieldsV1: fieldsFromPaths(kept) };
}

/** Drop owned paths that no longer exist in the object, and entries left owning nothing. */
function pruneEntries(entries: ManagedFieldsEntry[], obj: KubeObject): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    const scope = scopeOf(obj, e.subresource);
    const paths = [...pathsOf(e.fieldsV1)];
    const kept = paths.filter((p) => getAt(scope, JSON.parse(p) as string[]) !== undefined);
    if (!kept.length) continue;
    out.push(kept.length === paths.length ? e : { ...e, fieldsV1: fieldsFromPaths(kept) });
  }
  return out;
}

/** `.spec.listeners[name="http"].port`, the way conflict messages name fields. */
export function fieldPathText(tokens: string[]): string {
  return tokens
    .map((t) => {
      if (t.startsWith('f:')) return `.${t.slice(2)}`;
      const key = JSON.parse(t.slice(2)) as Obj;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}
