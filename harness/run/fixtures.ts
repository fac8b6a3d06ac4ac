import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { UsageError } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';

/** The values a fixture may reference as `{{name}}`. */
export interface FixtureValues {
  namespace: string;
  gatewayNamespace: string;
  gatewayClassName: string;
  hostname: string;
  listenerPort: number;
  httpbinImage: string;
}

export interface RenderedFixture {
  file: string;
  objects: KubeObject[];
}

export const builtinFixturesDir = fileURLToPath(new URL('../../fixtures/', import.meta.url));

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/** Substitute `{{name}}` placeholders; an unknown name is the fixture author's mistake, said plainly. */
export function renderTemplate(text: string, values: FixtureValues, file: string): string {
  return text.replace(PLACEHOLDER, (match, name: string, offset: number) => {
    if (Object.hasOwn(values, name)) return String(values[name as keyof FixtureValues]);
    const line = text.slice(0, offset).split('\n').length;
    throw new UsageError(
      `${file}:${line}: unknown placeholder ${match}; use one of ${Object.keys(values)
        .map((k) => `{{${k}}}`)
        .join(', ')}.`,
    );
  });
}

/** Parse rendered YAML into objects, checking each has what the API needs to place it. */
export function parseManifests(text: string, file: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const line = error.linePos?.[0].line;
      throw new UsageError(
        `${file}${line ? `:${line}` : ''}: invalid YAML (${error.message.split('\n')[0]}); fix the manifest.`,
      );
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const items = isList(value) ? value.items : [value];
    for (const item of items) {
      const obj = item as Partial<KubeObject>;
      if (typeof obj !== 'object' || !obj.apiVersion || !obj.kind || !obj.metadata?.name) {
        throw new UsageError(
          `${file}: every document needs apiVersion, kind and metadata.name; add them or remove the document.`,
        );
      }
      objects.push(obj as KubeObject);
    }
  }
  return objects;
}

function isList(value: unknown): value is { items: unknown[] } {
  const v = value as { kind?: unknown; items?: unknown };
  return typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);
}

/** Render every `*.yaml`/`*.yml` of `dir`, in file-name order (so `00-namespaces.yaml` goes first). */
export function loadFixtures(dir: string, values: FixtureValues): RenderedFixture[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  } catch {
    throw new UsageError(
      `Fixture directory ${dir} does not exist or is not a directory; pass --fixtures with a directory of YAML manifests.`,
    );
  }
  if (names.length === 0) {
    throw new UsageError(
      `Fixture directory ${dir} has no .yaml files; add manifests or omit --fixtures to use the built-in set.`,
    );
  }
  return names.map((name) => {
    const path = join(dir, name);
    const shown = relative(process.cwd(), path) || path;
    const text = renderTemplate(readFileSync(path, 'utf8'), values, shown);
    return { file: shown, objects: parseManifests(text, shown) };
  });
}
