import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';
import { ManifestError, parseManifests, type ManifestProblem } from '../kube/yaml.ts';

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

/**
 * Substitute `{{name}}` placeholders (FixtureValues for fixtures; the troubleshooting suite passes its
 * own); an unknown name is the manifest author's mistake, said plainly.
 */
export function renderTemplate(text: string, values: object, file: string): string {
  return text.replace(PLACEHOLDER, (match, name: string, offset: number) => {
    if (Object.hasOwn(values, name)) return String((values as Record<string, unknown>)[name]);
    const line = text.slice(0, offset).split('\n').length;
    throw new UsageError(
      `${file}:${line}: unknown placeholder ${match}; use one of ${Object.keys(values)
        .map((k) => `{{${k}}}`)
        .join(', ')}.`,
    );
  });
}

/**
 * Parse rendered YAML into objects with the one manifest parser (kube/yaml.ts), worded for a
 * fixture author: the file and, for bad YAML, the line.
 */
function parseFixture(text: string, file: string): KubeObject[] {
  try {
    return parseManifests(text, file);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    throw new ManifestError(fixtureProblemMessage(file, error.problem), error.problem);
  }
}

function fixtureProblemMessage(file: string, problem: ManifestProblem): string {
  if (problem.type === 'invalid-yaml') {
    return `${file}${problem.line ? `:${problem.line}` : ''}: invalid YAML (${problem.reason}); fix the manifest.`;
  }
  return `${file}: every document needs apiVersion, kind and metadata.name; add them or remove the document.`;
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
    return { file: shown, objects: parseFixture(text, shown) };
  });
}
