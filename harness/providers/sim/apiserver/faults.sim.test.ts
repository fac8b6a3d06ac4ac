import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../raw-http.test-helper.ts';
import { seededRandom } from '../seeded-random.ts';
import type { ApiFaults } from './faults.ts';
import { startApiServer, type SimApiServer } from './server.ts';
import { Store } from './store.ts';

// --sim-faults as the API server's middleware: what a client sees on the wire.

let server: SimApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(faults: ApiFaults) {
  server = await startApiServer({ store: new Store(), faults });
  return { host: '127.0.0.1', port: server.port };
}

describe('the sim API server with faults', () => {
  it('answers about the given fraction of requests 429 or 503 with Retry-After, or 500, as metav1 Status', async () => {
    const endpoint = await serve({ errorRate: 0.5, random: seededRandom(3) });
    const answers = await Promise.all(Array.from({ length: 60 }, () => rawRequest(endpoint, '/api/v1/namespaces')));
    const faulted = answers.filter((a) => a.status !== 200);
    expect(faulted.length).toBeGreaterThan(15);
    expect(faulted.length).toBeLessThan(45);
    expect(new Set(faulted.map((a) => a.status))).toEqual(new Set([429, 503, 500]));
    for (const answer of faulted) {
      const status = JSON.parse(answer.body);
      expect(status).toMatchObject({ kind: 'Status', status: 'Failure', code: answer.status });
      if (answer.status === 500) {
        expect(answer.headers['retry-after']).toBeUndefined();
        expect(status.reason).toBe('InternalError');
      } else {
        expect(answer.headers['retry-after']).toBe('1');
        expect(status.reason).toBe(answer.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable');
        expect(status.details).toEqual({ retryAfterSeconds: 1 });
      }
    }
  });

  it('draws the same faults for the same seed', async () => {
    const statuses = async (seed: number) => {
      const endpoint = await serve({ errorRate: 0.3, random: seededRandom(seed) });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await rawRequest(endpoint, '/api/v1/namespaces')).status);
      await server!.close();
      server = undefined;
      return out;
    };
    const first = await statuses(11);
    expect(await statuses(11)).toEqual(first);
    expect(first.some((s) => s !== 200)).toBe(true);
  });

  it('never faults the health probes', async () => {
    const endpoint = await serve({ errorRate: 0.99, random: () => 0 });
    for (const path of ['/healthz', '/readyz', '/livez']) expect((await rawRequest(endpoint, path)).status).toBe(200);
    expect((await rawRequest(endpoint, '/version')).status).not.toBe(200);
  });

  it('delays every request by api-latency', async () => {
    const endpoint = await serve({ latencyMs: 150, random: Math.random });
    const started = performance.now();
    expect((await rawRequest(endpoint, '/api/v1/namespaces')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('closes every watch after watch-drop, cleanly, so the client resumes', async () => {
    const endpoint = await serve({ watchDropMs: 300, random: Math.random });
    const started = performance.now();
    const watch = await rawRequest(endpoint, '/api/v1/namespaces?watch=true');
    const lasted = performance.now() - started;
    expect(watch.status).toBe(200);
    expect(lasted).toBeGreaterThanOrEqual(290);
    expect(lasted).toBeLessThan(10_000);
    expect(
      watch.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type),
    ).toContain('ADDED');
  });
});
