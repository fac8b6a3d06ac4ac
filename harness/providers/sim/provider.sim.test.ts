import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../log.ts';
import { istioProfile } from '../../profiles/istio.ts';
import { createSimProvider } from './provider.ts';

/** What keeps the process alive and listening: servers, sockets and timers (getActiveResourcesInfo's names). */
const LEAKABLE = new Set(['TCPServerWrap', 'TCPSocketWrap', 'TCPWrap', 'Timeout']);

function leakableResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) if (LEAKABLE.has(r)) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/** What is active now and was not before (vitest's own timers come and go: only more is a leak). */
function leakedSince(before: Map<string, number>): string[] {
  return [...leakableResources()].filter(([r, n]) => n > (before.get(r) ?? 0)).map(([r, n]) => `${r} x${n}`);
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('sim provider: stop() at any moment of start()', () => {
  // The provider's private temp directory goes under TMPDIR: a directory of this test's own shows what is left.
  const savedTmp = process.env.TMPDIR;
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'kg-sim-stop-'));
    process.env.TMPDIR = tmp;
  });
  afterAll(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(tmp, { recursive: true, force: true });
  });

  /** How many turns of the event loop one whole start() takes here (it depends on the machine's load). */
  async function turnsOfOneStart(): Promise<number> {
    const provider = createSimProvider(istioProfile, { addressDelayMs: 5 });
    const log = createMemoryLogger();
    let done = false;
    const starting = provider.start(log).finally(() => (done = true));
    let n = 0;
    for (; !done; n++) await turns(1);
    await starting;
    await provider.stop(log);
    return n;
  }

  it.each(['a temp file', '--kubeconfig'])(
    'leaves no server, socket, timer, kubeconfig or temp dir, and start() fails with one sentence (kubeconfig: %s)',
    async (where) => {
      const before = leakableResources();
      // From the first turn of the event loop to the end of start(), so every await of start() is hit,
      // then once after start() finished (a normal stop).
      const whole = await turnsOfOneStart();
      const moments = [
        ...new Set([0, 1, 2, 3, 4, 5, 6, 8, ...Array.from({ length: 16 }, (_, i) => Math.round((whole * i) / 16))]),
      ];
      const outcomes: string[] = [];
      for (const moment of [...moments, 'after start'] as const) {
        const kubeconfig = where === '--kubeconfig' ? join(tmp, `given-${moment}.kubeconfig`) : undefined;
        const provider = createSimProvider(istioProfile, { kubeconfig, addressDelayMs: 5 });
        const log = createMemoryLogger();
        const starting = provider.start(log);
        await (moment === 'after start' ? starting : turns(moment));
        const [started, stopped] = await Promise.allSettled([starting, provider.stop(log)]);
        expect(stopped.status, `stop() at turn ${moment}`).toBe('fulfilled');
        if (started.status === 'rejected') {
          expect((started.reason as Error).message, `start() stopped at turn ${moment}`).toBe(
            'the simulated cluster was stopped while it was starting',
          );
        }
        outcomes.push(started.status);
        expect(() => provider.kubeconfigPath()).toThrow('sim provider not started');
        expect(() => provider.sim()).toThrow('sim provider not started');
        if (kubeconfig) {
          expect(existsSync(kubeconfig), `${kubeconfig} after stop() at turn ${moment}`).toBe(false);
          expect(existsSync(`${kubeconfig}.lock`)).toBe(false);
        }
        expect(readdirSync(tmp).filter((f) => !f.startsWith('given-'))).toEqual([]);
        // A closed server's handle goes in libuv's next close phase, after its 'close' event.
        await turns(2);
        expect(leakedSince(before), `resources after stop() at turn ${moment}`).toEqual([]);
      }
      expect(outcomes[0], 'stop() in the same turn as start()').toBe('rejected');
      expect(outcomes.at(-1), 'stop() after start()').toBe('fulfilled');
    },
  );

  it('stop() before start() and twice after it is a no-op', async () => {
    const provider = createSimProvider(istioProfile);
    const log = createMemoryLogger();
    await provider.stop(log);
    await provider.start(log);
    await Promise.all([provider.stop(log), provider.stop(log)]);
    await provider.stop(log);
    expect(() => provider.sim()).toThrow('sim provider not started');
  });
});
