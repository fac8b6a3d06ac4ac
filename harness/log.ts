import type { PhaseRecorder } from './timings.ts';

/**
 * Progress and log lines go to stderr (stdout is reserved for machine-readable output such as
 * `KUBECONFIG=` lines). Colour only on a TTY and never when NO_COLOR is set.
 */
export interface Logger {
  /** A pipeline step began; shown only on a TTY (`… cluster`), so CI logs keep one line a step. */
  begin?(message: string): void;
  /** A pipeline step finished: `✓ cluster created (31.2 s)`. */
  step(message: string, seconds?: number): void;
  /** A pipeline step failed. */
  fail(message: string, seconds?: number): void;
  info(message: string): void;
  warn(message: string): void;
  /** Only shown with --verbose / KINDGATE_DEBUG. */
  debug(message: string): void;
  /** Where this run's phase timings are kept, when it keeps them (timedStep records into it). */
  readonly phases?: PhaseRecorder;
}

export interface LoggerOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  verbose?: boolean;
  color?: boolean;
  /** Record every timed step as a phase here. */
  phases?: PhaseRecorder;
}

export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/** A step's duration: `2.0 s`. */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(1)} s`;
}

/** A timeout or window in sentences ("after 30 s", "within 2.5 s"): whole seconds stay whole. */
export function secondsOf(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const color = options.color ?? useColor(stream);
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const write = (line: string) => stream.write(`${line}\n`);
  const timed = (message: string, seconds?: number) =>
    seconds === undefined ? message : `${message} ${paint(2, `(${formatSeconds(seconds)})`)}`;
  const live = Boolean(stream.isTTY);
  return {
    begin: (message) => {
      if (live) write(paint(2, `… ${message}`));
    },
    step: (message, seconds) => write(`${paint(32, '✓')} ${timed(message, seconds)}`),
    fail: (message, seconds) => write(`${paint(31, '✗')} ${timed(message, seconds)}`),
    info: (message) => write(`  ${message}`),
    warn: (message) => write(`${paint(33, '!')} ${message}`),
    debug: (message) => {
      if (options.verbose) write(paint(2, `  ${message}`));
    },
    ...(options.phases ? { phases: options.phases } : {}),
  };
}

/** A logger that records lines (and phases, when given a recorder); for tests. */
export function createMemoryLogger(phases?: PhaseRecorder): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    ...(phases ? { phases } : {}),
    step: (m, s) => lines.push(`✓ ${m}${s === undefined ? '' : ` (${formatSeconds(s)})`}`),
    fail: (m, s) => lines.push(`✗ ${m}${s === undefined ? '' : ` (${formatSeconds(s)})`}`),
    info: (m) => lines.push(`  ${m}`),
    warn: (m) => lines.push(`! ${m}`),
    debug: (m) => lines.push(`  ${m}`),
  };
}

/** How a timed step is worded when it succeeds and named in the run's phase timings. */
export interface StepOptions {
  /** Words the success line when the work learnt something it should say (`kind v0.33.0 (cached, …)`). */
  doneLabel?: () => string;
  /** Stable name (`cluster created`), where the label carries a random one (`cluster kindgate-1a2b3c created`). */
  phase?: string;
  detail?: string;
}

/**
 * Run `work`, log its duration as a step line, and log a failure line if it throws. The step is
 * also recorded in the run's phase timings (log.phases), under `options.phase` or else its label.
 */
export async function timedStep<T>(
  log: Logger,
  label: string,
  work: () => Promise<T>,
  options: StepOptions = {},
): Promise<T> {
  const started = performance.now();
  log.begin?.(label);
  const phase = options.phase ?? label;
  try {
    const result = await work();
    const ended = performance.now();
    log.step(options.doneLabel?.() ?? label, (ended - started) / 1000);
    log.phases?.add(phase, started, ended, { detail: options.detail });
    return result;
  } catch (error) {
    const ended = performance.now();
    log.fail(label, (ended - started) / 1000);
    log.phases?.add(phase, started, ended, { detail: options.detail, failed: true });
    throw error;
  }
}
