import { UsageError } from '../errors.ts';

/**
 * `--sim-faults LIST`: the faults the simulated cluster injects, so the harness's resilience is
 * exercised on every run: `api-errors=RATE` (that fraction of API requests answered 500, 503 or
 * 429 with Retry-After), `api-latency=MS` (every API request delayed), `watch-drop=SECONDS`
 * (every watch connection closed after that long), `dataplane-503=N` (each route's first N
 * requests answered 503).
 */
export interface SimFaults {
  apiErrorRate?: number;
  apiLatencyMs?: number;
  watchDropMs?: number;
  dataplane503?: number;
}

interface FaultSpec {
  key: keyof SimFaults;
  /** What the value must be, for the error sentence. */
  expects: string;
  parse(text: string): number | undefined;
  /** Back to the list's own words. */
  show(value: number): string;
}

const number = (text: string) => (text.trim() === '' ? NaN : Number(text));

const FAULTS: Record<string, FaultSpec> = {
  'api-errors': {
    key: 'apiErrorRate',
    expects: 'a fraction from 0 to below 1 (0.1 = one request in ten)',
    parse: (text) => {
      const n = number(text);
      return n >= 0 && n < 1 ? n : undefined;
    },
    show: String,
  },
  'api-latency': {
    key: 'apiLatencyMs',
    expects: 'milliseconds, a whole number from 0 to 10000',
    parse: (text) => {
      const n = number(text);
      return Number.isInteger(n) && n >= 0 && n <= 10_000 ? n : undefined;
    },
    show: String,
  },
  'watch-drop': {
    key: 'watchDropMs',
    expects: 'seconds, above 0 and at most 3600',
    parse: (text) => {
      const n = number(text);
      return n > 0 && n <= 3600 ? Math.round(n * 1000) : undefined;
    },
    show: (ms) => String(ms / 1000),
  },
  'dataplane-503': {
    key: 'dataplane503',
    expects: 'a whole number of requests from 0 to 1000',
    parse: (text) => {
      const n = number(text);
      return Number.isInteger(n) && n >= 0 && n <= 1000 ? n : undefined;
    },
    show: String,
  },
};

function unknownFaultMessage(where: string, name: string): string {
  return `${where} has an unknown fault "${name}"; use ${Object.keys(FAULTS)
    .map((f) => `${f}=…`)
    .join(', ')} separated by commas.`;
}

/** `api-errors=0.1,watch-drop=2` → { apiErrorRate: 0.1, watchDropMs: 2000 }; every mistake names the fault. */
export function parseSimFaults(list: string, where = '--sim-faults'): SimFaults {
  const faults: SimFaults = {};
  const items = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`${where} is empty; use e.g. api-errors=0.1,watch-drop=2.`);
  for (const item of items) {
    const [name, ...rest] = item.split('=');
    const spec = FAULTS[name.trim()];
    if (!spec) throw new UsageError(unknownFaultMessage(where, name.trim()));
    const text = rest.join('=');
    const value = rest.length === 0 ? undefined : spec.parse(text);
    if (value === undefined)
      throw new UsageError(`${where}: ${name.trim()} must be ${spec.expects}, got "${rest.length ? text : ''}".`);
    faults[spec.key] = value;
  }
  return faults;
}

/** The faults in the list's own words, for the log line that says what the sim injects. */
export function describeSimFaults(faults: SimFaults): string {
  return Object.entries(FAULTS)
    .filter(([, spec]) => faults[spec.key] !== undefined)
    .map(([name, spec]) => `${name}=${spec.show(faults[spec.key]!)}`)
    .join(',');
}
