import type { KubeObject } from './store.ts';
import type { PrinterColumn, ResourceInfo } from './resources.ts';

/**
 * meta.k8s.io/v1 Table output, what `kubectl get` asks for. Columns: Name, the resource's printer
 * columns (CRDs: additionalPrinterColumns, evaluated like the apiextensions table convertor),
 * and Age when the columns do not already include it.
 */

export const TABLE_MEDIA = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** True when the Accept header asks for a meta.k8s.io Table (v1 or v1beta1). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && accept.split(',').some((part) => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

/**
 * Evaluate the JSONPath subset printer columns use: `.a.b`, `[n]`, `[*]`, `['key']` and filters
 * `[?(@.field=="value")]`. Returns every match (an empty array when nothing matches).
 */
export function evalJsonPath(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  const re =
    /\.([A-Za-z0-9_$-]+)|\[\*\]|\[(\d+)\]|\['([^']*)'\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*["']([^"']*)["']\)\]|\.\*/gy;
  let expr = path
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .replace(/^\$/, '');
  if (expr && !expr.startsWith('.') && !expr.startsWith('[')) expr = `.${expr}`;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while (consumed < expr.length && (m = re.exec(expr))) {
    consumed = re.lastIndex;
    const next: unknown[] = [];
    for (const value of current) {
      if (m[1] !== undefined || m[3] !== undefined) {
        const key = m[1] ?? m[3];
        if (isObject(value) && key in value) next.push(value[key]);
      } else if (m[2] !== undefined) {
        if (Array.isArray(value) && Number(m[2]) < value.length) next.push(value[Number(m[2])]);
      } else if (m[4] !== undefined) {
        if (Array.isArray(value)) {
          for (const item of value)
            if (String(readDotted(item, m[4]) ?? '') === m[5] && readDotted(item, m[4]) !== undefined) next.push(item);
        }
      } else if (Array.isArray(value)) next.push(...value);
      else if (isObject(value)) next.push(...Object.values(value));
    }
    current = next;
  }
  if (consumed < expr.length) throw new Error(`unsupported JSONPath ${JSON.stringify(path)}`);
  return current.filter((v) => v !== undefined);
}

/** A cell as the API server renders it: date columns become ages, objects/arrays JSON, several results comma-joined. */
export function cellValue(obj: KubeObject, column: PrinterColumn, now = Date.now()): unknown {
  let results: unknown[];
  try {
    results = evalJsonPath(obj, column.jsonPath);
  } catch {
    return null;
  }
  if (results.length === 0 || results[0] === null) return null;
  if (column.type === 'date') return humanAge(String(results[0]), now);
  if (results.length > 1) return results.map((r) => (typeof r === 'object' ? JSON.stringify(r) : String(r))).join(',');
  const value = results[0];
  if (typeof value === 'object') return JSON.stringify(value);
  if (column.type === 'integer' || column.type === 'number') return typeof value === 'number' ? value : Number(value);
  if (column.type === 'boolean') return value;
  return String(value);
}

/** Like k8s.io/apimachinery duration.HumanDuration: 45s, 3m20s, 5h, 12d. */
export function humanAge(timestamp: string, now = Date.now()): string {
  const then = Date.parse(timestamp);
  if (Number.isNaN(then)) return '<unknown>';
  const s = Math.max(0, Math.floor((now - then) / 1000));
  if (s < 120) return `${s}s`;
  const min = Math.floor(s / 60);
  if (min < 10) return s % 60 ? `${min}m${s % 60}s` : `${min}m`;
  if (min < 180) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 8) return min % 60 ? `${h}h${min % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function columnsOf(info: ResourceInfo): PrinterColumn[] {
  const extra = info.columns ?? [];
  const hasAge = extra.some((c) => c.jsonPath === '.metadata.creationTimestamp');
  return [...extra, ...(hasAge ? [] : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }])];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function toTable(
  info: ResourceInfo,
  objects: KubeObject[],
  opts: { resourceVersion?: string; includeObject?: IncludeObject; withColumns?: boolean } = {},
): Record<string, unknown> {
  const columns = columnsOf(info);
  const include = opts.includeObject ?? 'Metadata';
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {},
    columnDefinitions:
      opts.withColumns === false
        ? []
        : [
            {
              name: 'Name',
              type: 'string',
              format: 'name',
              description: 'Name must be unique within a namespace.',
              priority: 0,
            },
            ...columns.map((c) => ({
              name: c.name,
              type: c.type,
              format: c.format ?? '',
              description: c.description ?? '',
              priority: c.priority ?? 0,
            })),
          ],
    rows: objects.map((obj) => ({
      cells: [obj.metadata.name, ...columns.map((c) => cellValue(obj, c, now))],
      object:
        include === 'None'
          ? undefined
          : include === 'Object'
            ? obj
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata },
    })),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function readDotted(value: unknown, dotted: string): unknown {
  let cur = value;
  for (const part of dotted.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}
