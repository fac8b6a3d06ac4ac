import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UsageError } from '../errors.ts';
import { parseProfileConfig } from '../profiles/config.ts';
import { flagSpecs, type FlagSpec } from './flags.ts';
import { describeValueType, durationSeconds, isDurationKey, positiveNumber } from './values.ts';

type Raw = Record<string, unknown>;

/**
 * `--config FILE`: the option keys (`provider`, `fixturesDir`, `timeouts: {gateway: 180}` in
 * seconds) read with their types checked. YAML guesses types from the text (`[80]` is a list,
 * `1.10` the number 1.1), so nothing is coerced: a wrong type is one sentence naming the file and
 * the key, never a value quietly turned into `"[object Object]"` or `"1.1"`.
 */
export function readConfigFile(file: string): Raw {
  const data = readYaml(file);
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`Config file ${file} must be a YAML mapping of option keys to values.`);
  }
  const raw: Raw = {};
  const keys = new Map(flagSpecs.map((s) => [s.key, s]));
  for (const [key, value] of Object.entries(data as Raw)) {
    if (key === 'timeouts') Object.assign(raw, readTimeouts(file, value, keys));
    else if (key === 'profile') raw.profile = readProfile(file, value);
    else {
      const spec = keys.get(key);
      if (!spec || key === 'config' || isTimeoutKey(key))
        throw new UsageError(unknownConfigKeyMessage(file, key, [...keys.keys()]));
      raw[key] = readValue(file, spec, value);
    }
  }
  return raw;
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`Config file ${file} cannot be read; check the path given to --config.`);
  }
  // Loaded with the first config file (synchronously: parsing is): the launcher runs this parser
  // on every command line before anything else loads (harness/cli/preload.ts), most without --config.
  const { parse: parseYaml } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  try {
    return parseYaml(text);
  } catch (error) {
    throw new UsageError(
      `Config file ${file} is not valid YAML (${(error as Error).message.split('\n')[0]}); fix the file.`,
    );
  }
}

const isTimeoutKey = (key: string) => key.startsWith('timeouts.');

function unknownConfigKeyMessage(file: string, key: string, known: string[]): string {
  const valid = known.filter((k) => !isTimeoutKey(k) && k !== 'config');
  return `Config file ${file}: unknown key "${key}"; valid keys are ${valid.join(', ')}, timeouts.`;
}

function wrongType(file: string, key: string, expected: string, value: unknown, fix = ''): UsageError {
  return new UsageError(`Config file ${file}: ${key} must be ${expected}, got ${describeValueType(value)}${fix}.`);
}

/** `timeouts:` is a mapping of timeout names (seconds, or a count for `consecutive`). */
function readTimeouts(file: string, value: unknown, keys: Map<string, FlagSpec>): Raw {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw wrongType(file, 'timeouts', 'a mapping such as `timeouts: {gateway: 300}`', value);
  const raw: Raw = {};
  for (const [name, seconds] of Object.entries(value as Raw)) {
    const spec = keys.get(`timeouts.${name}Ms`) ?? keys.get(`timeouts.${name}`);
    if (!spec)
      throw new UsageError(
        `Config file ${file}: unknown timeout "${name}"; use one of gateway, route, request, consistency, consecutive, backends.`,
      );
    raw[spec.key] = readNumber(file, `timeouts.${name}`, seconds, isDurationKey(spec.key));
  }
  return raw;
}

/** A built-in profile's name, or a vendor's profile as a mapping (profiles/config.ts checks it). */
function readProfile(file: string, value: unknown): unknown {
  if (typeof value === 'string' && value !== '') return value;
  if (value !== null && typeof value === 'object') return parseProfileConfig(value, file);
  throw wrongType(file, 'profile', 'a built-in profile name or a mapping', value);
}

/** A number, or text that is one (`"8080"`); durations within a timer's reach. */
function readNumber(file: string, key: string, value: unknown, duration: boolean): number {
  if (typeof value !== 'number' && typeof value !== 'string') throw wrongType(file, key, 'a number', value);
  const where = `Config file ${file}: ${key}`;
  return duration ? durationSeconds(String(value), where) : positiveNumber(String(value), where);
}

function readValue(file: string, spec: FlagSpec, value: unknown): unknown {
  if (spec.type === 'number') return readNumber(file, spec.key, value, isDurationKey(spec.key));
  if (spec.type === 'boolean') {
    if (typeof value !== 'boolean') throw wrongType(file, spec.key, 'true or false', value);
    return value;
  }
  // A YAML list reads as naturally as the flag's comma-separated text (suites, skipped tests).
  const list = spec.value === 'LIST';
  if (list && Array.isArray(value) && value.every((s) => typeof s === 'string')) return value.join(',');
  if (typeof value !== 'string') {
    const expected = list ? 'a comma-separated string or a list' : 'a string';
    const fix =
      typeof value === 'number' ? ` (YAML reads unquoted ${value} as a number); quote it: ${spec.key}: "${value}"` : '';
    throw wrongType(file, spec.key, expected, value, fix);
  }
  if (value === '')
    throw new UsageError(`Config file ${file}: ${spec.key} must not be empty; give it a value or remove the key.`);
  return value;
}
