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
}

export interface LoggerOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  verbose?: boolean;
  color?: boolean;
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
  };
}

/** A logger that records lines; for tests. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    step: (m, s) => lines.push(`✓ ${m}${s === undefined ? '' : ` (${formatSeconds(s)})`}`),
    fail: (m, s) => lines.push(`✗ ${m}${s === undefined ? '' : ` (${formatSeconds(s)})`}`),
    info: (m) => lines.push(`  ${m}`),
    warn: (m) => lines.push(`! ${m}`),
    debug: (m) => lines.push(`  ${m}`),
  };
}

/**
 * Run `work`, log its duration as a step line, and log a failure line if it throws. `doneLabel`
 * words the success line when the work learnt something it should say (`kind v0.33.0 (cached, …)`).
 */
export async function timedStep<T>(
  log: Logger,
  label: string,
  work: () => Promise<T>,
  doneLabel?: () => string,
): Promise<T> {
  const started = performance.now();
  log.begin?.(label);
  try {
    const result = await work();
    log.step(doneLabel?.() ?? label, (performance.now() - started) / 1000);
    return result;
  } catch (error) {
    log.fail(label, (performance.now() - started) / 1000);
    throw error;
  }
}
