/** JSON value comparison for the sim's "write only what changed" checks. */

import { isDeepFrozen } from './deep-freeze.ts';

/**
 * Canonical text of deep-frozen values (the store's snapshots and the parts a write shares with
 * them): such a value cannot change, so its text is worked out once. The controller compares
 * stored status, spec and metadata with what it would write on every pass.
 */
const frozenText = new WeakMap<object, string>();

/** JSON text with object keys sorted and undefined members dropped: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (!value || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const frozen = isDeepFrozen(value);
  const known = frozen ? frozenText.get(value) : undefined;
  if (known !== undefined) return known;
  const text = Array.isArray(value) ? `[${value.map(canonicalJson).join(',')}]` : objectText(value);
  if (frozen) frozenText.set(value, text);
  return text;
}

function objectText(value: object): string {
  const record = value as Record<string, unknown>;
  let text = '';
  for (const key of Object.keys(record).sort()) {
    if (record[key] === undefined) continue;
    text += `${text ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(record[key])}`;
  }
  return `{${text}}`;
}

/** Equality of JSON values regardless of key order (a merge may reorder keys). */
export function sameJson(a: unknown, b: unknown): boolean {
  return a === b || canonicalJson(a) === canonicalJson(b);
}
