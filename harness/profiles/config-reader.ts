import { MAX_DURATION_SECONDS } from '../config/values.ts';
import { UsageError } from '../errors.ts';

export type Raw = Record<string, unknown>;

/**
 * Typed reads of values from one config file. Every mistake is one sentence naming the file and
 * the key: `Config file F: KEY PROBLEM; FIX.`
 */
export class ConfigReader {
  constructor(readonly file: string) {}

  fail(key: string, problem: string, fix: string): never {
    throw new UsageError(`Config file ${this.file}: ${key} ${problem}; ${fix}.`);
  }

  /** A mapping whose keys are all among `keys`. */
  mapping(v: unknown, key: string, keys: readonly string[]): Raw {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.fail(key, 'must be a mapping', `give it the keys ${keys.join(', ')}`);
    }
    for (const k of Object.keys(v)) {
      if (!keys.includes(k))
        this.fail(`${key}.${k}`, 'is not a known key', `valid keys under ${key} are ${keys.join(', ')}`);
    }
    return v as Raw;
  }

  /** A non-empty string, or undefined when absent. */
  optionalText(v: unknown, key: string, what = 'a non-empty string'): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.trim() === '')
      this.fail(key, `must be ${what}, got ${JSON.stringify(v)}`, 'fix the value');
    return v;
  }

  /** A non-empty string that must be there. */
  text(v: unknown, key: string, what = 'a non-empty string'): string {
    if (v === undefined || v === null) this.fail(key, 'is required', `set it to ${what}`);
    return this.optionalText(v, key, what)!;
  }

  /** A list of non-empty strings, or undefined when absent. */
  strings(v: unknown, key: string): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) {
      this.fail(key, 'must be a list of non-empty strings', `write it as [a, b]`);
    }
    return v as string[];
  }

  /** A positive number of seconds, returned in milliseconds; `fallbackSeconds` when absent. */
  seconds(v: unknown, key: string, fallbackSeconds: number): number {
    if (v === undefined || v === null) return fallbackSeconds * 1000;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      this.fail(key, `must be a positive number of seconds, got ${JSON.stringify(v)}`, 'fix the value');
    }
    if (v > MAX_DURATION_SECONDS) {
      this.fail(key, `must be at most ${MAX_DURATION_SECONDS} seconds (Node's timer limit), got ${v}`, 'fix the value');
    }
    return Math.round(v * 1000);
  }
}
