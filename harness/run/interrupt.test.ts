import { describe, expect, it } from 'vitest';
import { INTERRUPT_SIGNALS, onInterrupt } from './interrupt.ts';

/** An interrupt handler whose exit and log are recorded; `events` is the order things happened in. */
function recorded(
  opts: { teardown?: () => Promise<void>; beforeTeardown?: () => Promise<void>; graceMs?: number } = {},
) {
  const events: string[] = [];
  const exits: number[] = [];
  const handle = onInterrupt(
    async () => {
      events.push('teardown');
      await opts.teardown?.();
      events.push('teardown done');
    },
    {
      log: (m) => events.push(`log: ${m}`),
      beforeTeardown: opts.beforeTeardown,
      graceMs: opts.graceMs,
      exit: (code) => {
        exits.push(code);
        events.push(`exit ${code}`);
      },
    },
  );
  return { events, exits, handle };
}

describe('onInterrupt', () => {
  it('tears down once and exits 128+n: SIGINT 130, SIGTERM 143, SIGHUP 129, a closed stdout 141', async () => {
    for (const [reason, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
      ['SIGPIPE', 141],
    ] as const) {
      const { events, handle } = recorded();
      handle.interrupt(reason);
      await handle.handled;
      handle.release();
      expect(handle.reason).toBe(reason);
      expect(events.filter((e) => !e.startsWith('log'))).toEqual(['teardown', 'teardown done', `exit ${code}`]);
    }
  });

  it('says why it tears down: the signal, or the closed stdout', async () => {
    const signal = recorded();
    signal.handle.interrupt('SIGHUP');
    await signal.handle.handled;
    signal.handle.release();
    expect(signal.events[0]).toBe('log: SIGHUP received: tearing down (press Ctrl-C again to exit at once)');
    const pipe = recorded();
    pipe.handle.interrupt('SIGPIPE');
    await pipe.handle.handled;
    pipe.handle.release();
    expect(pipe.events[0]).toBe('log: stdout was closed: tearing down');
  });

  it('listens to SIGINT, SIGTERM and SIGHUP until released', async () => {
    const before = INTERRUPT_SIGNALS.map((s) => process.listenerCount(s));
    const { events, handle } = recorded();
    expect(INTERRUPT_SIGNALS.map((s) => process.listenerCount(s))).toEqual(before.map((n) => n + 1));
    process.emit('SIGHUP', 'SIGHUP');
    await handle.handled;
    expect(events).toContain('exit 129');
    handle.release();
    expect(INTERRUPT_SIGNALS.map((s) => process.listenerCount(s))).toEqual(before);
  });

  it('runs the before-teardown hook first, while the cluster is still there', async () => {
    const { events, handle } = recorded({
      beforeTeardown: async () => {
        events.push('reports written');
      },
    });
    handle.interrupt('SIGINT');
    await handle.handled;
    handle.release();
    expect(events.filter((e) => !e.startsWith('log'))).toEqual([
      'reports written',
      'teardown',
      'teardown done',
      'exit 130',
    ]);
  });

  it('tears down even when the hook fails or hangs past its grace', async () => {
    const failing = recorded({ beforeTeardown: () => Promise.reject(new Error('disk full')) });
    failing.handle.interrupt('SIGTERM');
    await failing.handle.handled;
    failing.handle.release();
    expect(failing.events).toContain('log: before teardown: disk full');
    expect(failing.exits).toEqual([143]);

    const hanging = recorded({ beforeTeardown: () => new Promise(() => {}), graceMs: 20 });
    hanging.handle.interrupt('SIGTERM');
    await hanging.handle.handled;
    hanging.handle.release();
    expect(hanging.events).toContain('log: before teardown: still busy after 0.02 s');
    expect(hanging.events.slice(-2)).toEqual(['teardown done', 'exit 143']);
  });

  it('a second Ctrl-C exits at once; a second SIGTERM or SIGHUP lets the teardown finish', async () => {
    let finish!: () => void;
    const { events, exits, handle } = recorded({ teardown: () => new Promise<void>((r) => (finish = r)) });
    handle.interrupt('SIGTERM');
    await new Promise((r) => setImmediate(r));
    handle.interrupt('SIGHUP');
    handle.interrupt('SIGTERM');
    expect(exits).toEqual([]);
    expect(events).toContain('log: SIGHUP received: still tearing down');
    handle.interrupt('SIGINT');
    expect(exits).toEqual([130]);
    finish();
    await handle.handled;
    handle.release();
    expect(exits).toEqual([130, 143]);
  });

  it('a failing teardown is logged and still exits', async () => {
    const { events, exits, handle } = recorded({ teardown: () => Promise.reject(new Error('kind delete failed')) });
    handle.interrupt('SIGINT');
    await handle.handled;
    handle.release();
    expect(events).toContain('log: teardown failed: kind delete failed');
    expect(exits).toEqual([130]);
  });
});
