import { UsageError } from '../errors.ts';

/**
 * Number values of options, from a flag (text) or a config file: positive, and for durations within
 * what a Node timer can hold. `where` names the flag (`--gateway-timeout`) or the file and key
 * (`Config file F: timeouts.gateway`).
 */

/**
 * Node's timers hold at most 2^31-1 ms (nodejs lib/internal/timers.js TIMEOUT_MAX): a longer delay
 * fires at once with a TimeoutOverflowWarning, so every wait would fail immediately.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
export const MAX_DURATION_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

export function positiveNumber(text: string, where: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`${where} must be a positive number, got "${text}".`);
  return n;
}

function tooLongMessage(where: string, seconds: number): string {
  return `${where} must be at most ${MAX_DURATION_SECONDS} seconds (Node's timer limit, about 24 days), got ${seconds}.`;
}

/** A positive number of seconds a timer can wait (at most MAX_DURATION_SECONDS). */
export function durationSeconds(text: string, where: string): number {
  const seconds = positiveNumber(text, where);
  if (seconds * 1000 > MAX_TIMER_MS) throw new UsageError(tooLongMessage(where, seconds));
  return seconds;
}

/** Whether an option key holds seconds (`timeouts.gatewayMs`), as opposed to a count. */
export function isDurationKey(key: string): boolean {
  return key.startsWith('timeouts.') && key.endsWith('Ms');
}

/** What a config value is, in words: `a list`, `a mapping`, `the number 1.1`. */
export function describeValueType(value: unknown): string {
  if (value === null || value === undefined) return 'no value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value} (a boolean)`;
  return `a ${typeof value}`;
}

/** Longest echo of a user's value in a message; longer values are cut (a 100 KB flag is not repeated). */
const SHOWN_MAX = 100;

/** A user's value for a message: quoted, control characters escaped, cut when long. */
export function shownValue(text: string): string {
  const cut = text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX)}… (${text.length} characters)` : text;
  return JSON.stringify(cut);
}
