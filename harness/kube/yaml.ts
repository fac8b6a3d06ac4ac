import { isScalar, LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import { UsageError } from '../errors.ts';
import type { KubeObject } from './types.ts';

/**
 * The one manifest parser, reading multi-document YAML as `kubectl apply -f` reads a file: empty
 * documents are skipped, `kind: List` (and `*List`) documents expand to their items, order is kept,
 * and what is left must look like a Kubernetes object.
 */

/** What is wrong with a manifest, for callers that word the error their own way (the fixtures). */
export type ManifestProblem =
  | { type: 'invalid-yaml'; document: number; line?: number; reason: string }
  | { type: 'not-an-object' }
  | { type: 'missing-identity'; missing: string[] };

/** A manifest the harness cannot even send (bad YAML, not an object): the user's to fix. */
export class ManifestError extends UsageError {
  constructor(
    message: string,
    readonly problem: ManifestProblem,
  ) {
    super(message);
  }
}

function invalidYamlMessage(source: string, document: number, reason: string): string {
  return `${source}: document ${document} is not valid YAML (${reason}); fix the manifest.`;
}

function notAnObjectMessage(where: string): string {
  return `${where} is not a Kubernetes object (expected a mapping with apiVersion, kind and metadata.name); fix the manifest.`;
}

function missingIdentityMessage(where: string, missing: string[]): string {
  return `${where} lacks ${missing.join(', ')}; fix the manifest.`;
}

/** Parse YAML (or JSON) text holding one or more documents into objects, in document order. */
export function parseManifests(text: string, source = 'manifest'): KubeObject[] {
  const out: KubeObject[] = [];
  const lineCounter = new LineCounter();
  // yaml's own duplicate-key check scans the whole mapping for every key (compose/util-map-includes.js):
  // quadratic, 85 s for a ConfigMap of 75k keys. It is off here and done in linear time below.
  const docs = parseAllDocuments(text, { uniqueKeys: false, lineCounter });
  // parseAllDocuments returns an EmptyStream (no documents) for an empty input.
  if (!Array.isArray(docs)) return out;
  docs.forEach((doc, index) => {
    const document = index + 1;
    const error = doc.errors[0]
      ? { message: doc.errors[0].message, line: doc.errors[0].linePos?.[0].line }
      : duplicateKey(doc, lineCounter);
    if (error) {
      const reason = error.message.split('\n')[0];
      const problem: ManifestProblem = { type: 'invalid-yaml', document, line: error.line, reason };
      throw new ManifestError(invalidYamlMessage(source, document, reason), problem);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    out.push(...expandDocument(value, `${source}: document ${document}`));
  });
  return out;
}

/** The first key that repeats in a mapping of `doc`, worded as yaml words it; one pass, a Set per mapping. */
function duplicateKey(doc: Document, lines: LineCounter): { message: string; line?: number } | undefined {
  let found: { message: string; line?: number } | undefined;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        // As yaml compares keys by default: scalars by value, anything else only by identity.
        if (!isScalar(key)) continue;
        if (!seen.has(key.value)) {
          seen.add(key.value);
          continue;
        }
        const { line, col } = lines.linePos(key.range?.[0] ?? 0);
        found = { message: `Map keys must be unique at line ${line}, column ${col}:`, line };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Expand List kinds and check that what is left looks like a Kubernetes object. */
export function expandDocument(value: unknown, where: string): KubeObject[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError(notAnObjectMessage(where), { type: 'not-an-object' });
  }
  const obj = value as Record<string, unknown>;
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    return obj.items.flatMap((item, i) => expandDocument(item, `${where}, item ${i + 1}`));
  }
  const metadata = obj.metadata as Record<string, unknown> | undefined;
  const missing = [
    typeof obj.apiVersion === 'string' && obj.apiVersion ? undefined : 'apiVersion',
    typeof obj.kind === 'string' && obj.kind ? undefined : 'kind',
    metadata && typeof metadata.name === 'string' && metadata.name ? undefined : 'metadata.name',
  ].filter((field): field is string => field !== undefined);
  if (missing.length > 0) {
    throw new ManifestError(missingIdentityMessage(where, missing), { type: 'missing-identity', missing });
  }
  return [obj as unknown as KubeObject];
}
