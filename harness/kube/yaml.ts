import { parseAllDocuments } from 'yaml';
import { UsageError } from '../errors.ts';
import type { KubeObject } from './types.ts';

/**
 * Multi-document manifest parsing, as `kubectl apply -f` reads a file: empty documents are
 * skipped, `kind: List` (and `*List`) documents expand to their items, order is kept.
 */

/** A manifest the harness cannot even send (bad YAML, not an object): the user's to fix. */
export class ManifestError extends UsageError {}

/** Parse YAML (or JSON) text holding one or more documents into objects, in document order. */
export function parseManifests(text: string, source = 'manifest'): KubeObject[] {
  const out: KubeObject[] = [];
  const docs = parseAllDocuments(text);
  // parseAllDocuments returns an EmptyStream (no documents) for an empty input.
  if (!Array.isArray(docs)) return out;
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      throw new ManifestError(
        `${source}: document ${index + 1} is not valid YAML (${doc.errors[0].message.split('\n')[0]}); fix the manifest.`,
      );
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    out.push(...expandDocument(value, `${source}: document ${index + 1}`));
  });
  return out;
}

/** Expand List kinds and check that what is left looks like a Kubernetes object. */
export function expandDocument(value: unknown, where: string): KubeObject[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError(
      `${where} is not a Kubernetes object (expected a mapping with apiVersion, kind and metadata.name); fix the manifest.`,
    );
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
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new ManifestError(`${where} lacks ${missing.join(', ')}; fix the manifest.`);
  }
  return [obj as unknown as KubeObject];
}
