import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunOptions } from '../config/options.ts';
import { UsageError } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';
import { ManifestError, parseManifests } from '../kube/yaml.ts';
import type { Profile } from '../profiles/types.ts';

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
    throw new ManifestError(fixtureProblemMessage(file, error), error.problem);
  }
}

function fixtureProblemMessage(file: string, error: ManifestError): string {
  const { problem } = error;
  if (problem.type === 'invalid-yaml') {
    return `${file}${problem.line ? `:${problem.line}` : ''}: invalid YAML (${problem.reason}); fix the manifest.`;
  }
  // The parser's sentence names the document and the List item (`document 1, item 1`).
  if (problem.type === 'not-an-object') return error.message;
  return `${file}: every document needs apiVersion, kind and metadata.name; add them or remove the document.`;
}

/**
 * The largest fixture file read. The API server refuses an object over 1.5 MiB (etcd's request
 * limit, kube-apiserver --max-request-bytes); a fixture file is a handful of small objects, and a
 * file far over that would only be parsed, slowly, to be refused by the cluster.
 */
export const MAX_FIXTURE_BYTES = 1024 * 1024;

function tooLargeMessage(file: string, bytes: number): string {
  return (
    `Fixture ${file} is ${bytes} bytes, over the 1 MiB limit of a fixture file ` +
    '(the API server takes at most 1.5 MiB per object); split it or make it smaller.'
  );
}

const READ_PROBLEMS: Record<string, string> = {
  ELOOP: 'a loop of symbolic links',
  EISDIR: 'a directory',
  ENOENT: 'a broken symbolic link',
  EACCES: 'permission denied',
};

function unreadableMessage(file: string, error: NodeJS.ErrnoException): string {
  const code = error.code ?? 'error';
  const why = READ_PROBLEMS[code] ?? error.message.split('\n')[0];
  return `Fixture ${file} cannot be read (${code}: ${why}); fix or remove it.`;
}

/**
 * A fixture file's text, checked before it is opened (a FIFO would block the open, a huge file
 * would be read whole), and again on the open file in case the path changed in between.
 */
function readFixtureText(path: string, shown: string): string {
  try {
    checkFixtureFile(statSync(path), shown);
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      checkFixtureFile(fstatSync(fd), shown);
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(unreadableMessage(shown, error as NodeJS.ErrnoException));
  }
}

function checkFixtureFile(stat: Stats, shown: string): void {
  if (stat.isDirectory()) throw new UsageError(unreadableMessage(shown, { code: 'EISDIR' } as NodeJS.ErrnoException));
  if (!stat.isFile())
    throw new UsageError(`Fixture ${shown} is not a regular file; remove it from the fixture directory.`);
  if (stat.size > MAX_FIXTURE_BYTES) throw new UsageError(tooLargeMessage(shown, stat.size));
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
    const text = renderTemplate(readFixtureText(path, shown), values, shown);
    return { file: shown, objects: parseFixture(text, shown) };
  });
}

/** Render the fixtures first: a broken fixture is a usage error found before anything is created. */
export function renderRunFixtures(options: RunOptions, profile: Profile): RenderedFixture[] {
  return loadFixtures(options.fixturesDir ?? builtinFixturesDir, {
    namespace: options.namespace,
    gatewayNamespace: options.gatewayNamespace,
    gatewayClassName: profile.gatewayClassName,
    hostname: options.hostname,
    listenerPort: options.listenerPort,
    httpbinImage: options.httpbinImage,
  });
}
