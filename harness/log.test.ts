import { describe, expect, it } from 'vitest';
import { createLogger, timedStep, useColor } from './log.ts';
import { PhaseRecorder, timedPhase } from './timings.ts';

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

  it("records every timed step in the run's phase timings, under its stable phase name when it has one", async () => {
    const phases = new PhaseRecorder();
    const log = createLogger({ stream: sink(false).stream, phases });
    await timedStep(log, 'cluster kindgate-1a2b3c created', async () => {}, { phase: 'cluster created', detail: 'x' });
    await expect(timedStep(log, 'MetalLB ready', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(phases.phases).toEqual([
      { phase: 'cluster created', startedAt: expect.any(String), durationMs: expect.any(Number), detail: 'x' },
      { phase: 'MetalLB ready', startedAt: expect.any(String), durationMs: expect.any(Number), failed: true },
    ]);
    // A logger without a recorder times nothing (and still logs).
    await timedStep(createLogger({ stream: sink(false).stream }), 'tools', async () => {});
  });
});

describe('PhaseRecorder', () => {
  it('times a phase with the wall-clock time it began, and a detail from its result', async () => {
    const phases = new PhaseRecorder();
    const before = Date.now();
    const value = await phases.time(
      'fixtures applied',
      async () => {
        await new Promise((r) => setTimeout(r, 20));
        return 8;
      },
      (n) => `${n} objects`,
    );
    expect(value).toBe(8);
    const [entry] = phases.phases;
    expect(entry).toMatchObject({ phase: 'fixtures applied', detail: '8 objects' });
    expect(entry.durationMs).toBeGreaterThanOrEqual(15);
    expect(Date.parse(entry.startedAt)).toBeGreaterThanOrEqual(before - 5);
    expect(Date.parse(entry.startedAt)).toBeLessThanOrEqual(Date.now());
  });

  it('records a failed phase as failed and rethrows; timedPhase without a recorder only runs the work', async () => {
    const phases = new PhaseRecorder();
    await expect(
      timedPhase(phases, 'GatewayClass Accepted', () => Promise.reject(new Error('timeout')), 'istio'),
    ).rejects.toThrow('timeout');
    expect(phases.phases[0]).toMatchObject({ phase: 'GatewayClass Accepted', detail: 'istio', failed: true });
    expect(await timedPhase(undefined, 'x', async () => 1)).toBe(1);
  });
});
