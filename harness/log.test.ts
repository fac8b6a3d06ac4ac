import { describe, expect, it } from 'vitest';
import { createLogger, timedStep, useColor } from './log.ts';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    stream: { isTTY, write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream & { isTTY: boolean },
    text: () => chunks.join(''),
  };
}

describe('logger', () => {
  it('prints one plain line per step with its duration when not on a TTY (CI)', async () => {
    const out = sink(false);
    const log = createLogger({ stream: out.stream });
    await timedStep(log, 'cluster created', async () => {});
    await expect(timedStep(log, 'MetalLB ready', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(out.text()).toMatch(/^✓ cluster created \(\d+\.\d s\)\n✗ MetalLB ready \(\d+\.\d s\)\n$/);
  });

  it('shows steps as they begin, in colour, on a TTY', async () => {
    const out = sink(true);
    const log = createLogger({ stream: out.stream, color: true });
    await timedStep(log, 'tools', async () => {});
    expect(out.text()).toContain('… tools');
    expect(out.text()).toContain('\u001b[32m✓\u001b[0m tools');
  });

  it('honours NO_COLOR over a TTY and FORCE_COLOR without one', () => {
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
  });

  it('hides debug lines unless verbose', () => {
    const quiet = sink(false);
    createLogger({ stream: quiet.stream }).debug('$ kind create cluster');
    const loud = sink(false);
    createLogger({ stream: loud.stream, verbose: true }).debug('$ kind create cluster');
    expect(quiet.text()).toBe('');
    expect(loud.text()).toContain('$ kind create cluster');
  });
});
