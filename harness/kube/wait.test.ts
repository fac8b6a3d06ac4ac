import { describe, expect, it } from 'vitest';
import { WaitTimeoutError } from '../errors.ts';
import { conditionHolds } from './conditions.ts';
import type { KubeObject, ObjectRef } from './types.ts';
import { waitForObject, waitTimeoutMessage, type WaitSource } from './wait.ts';
import type { CheckRecord } from '../convergence.ts';

const ref: ObjectRef = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  namespace: 'istio-system',
  name: 'external-gateway',
};

function gw(rv: number, programmed: 'True' | 'False', name = ref.name): KubeObject {
  return {
    apiVersion: ref.apiVersion,
    kind: 'Gateway',
    metadata: { name, namespace: 'istio-system', generation: 1, resourceVersion: String(rv) },
    status: {
      conditions: [
        { type: 'Accepted', status: 'True', observedGeneration: 1 },
        programmed === 'True'
          ? { type: 'Programmed', status: 'True', observedGeneration: 1 }
          : {
              type: 'Programmed',
              status: 'False',
              reason: 'AddressNotAssigned',
              message: 'no address',
              observedGeneration: 1,
            },
      ],
    },
  };
}

interface FakeWatch {
  rv: string;
  emit(type: string, obj: unknown): void;
  end(err?: unknown): void;
  aborted: boolean;
}

/** A scripted API: list answers from `current`, watches are recorded so the test can drive them. */
function fakeSource(initial: KubeObject | undefined) {
  const state = { current: initial, lists: 0, watches: [] as FakeWatch[], listError: undefined as unknown };
  const source: WaitSource = {
    async readOne() {
      state.lists++;
      if (state.listError) throw state.listError;
      return { object: state.current, resourceVersion: state.current?.metadata.resourceVersion ?? '1' };
    },
    async watch(_ref, rv, onEvent, onDone) {
      const w: FakeWatch = {
        rv,
        aborted: false,
        emit: (type, obj) => onEvent(type, obj),
        end: (err) => onDone(err ?? null),
      };
      state.watches.push(w);
      return { abort: () => void (w.aborted = true) };
    },
  };
  return { source, state };
}

const programmed = (o: KubeObject | undefined) => conditionHolds(o, 'Programmed');
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('waitForObject', () => {
  it('resolves at once when the first read already satisfies the predicate, without watching', async () => {
    const { source, state } = fakeSource(gw(5, 'True'));
    const obj = await waitForObject(source, ref, programmed, { timeoutMs: 1_000 });
    expect(obj.metadata.resourceVersion).toBe('5');
    expect(state.watches).toHaveLength(0);
  });

  it('watches from the listed resourceVersion and resolves on the event that satisfies it', async () => {
    const { source, state } = fakeSource(gw(5, 'False'));
    const done = waitForObject(source, ref, programmed, { timeoutMs: 5_000 });
    await tick();
    expect(state.watches[0].rv).toBe('5');
    state.watches[0].emit('MODIFIED', gw(6, 'False'));
    state.watches[0].emit('MODIFIED', gw(7, 'True', 'another-gateway')); // not ours
    state.watches[0].emit('MODIFIED', gw(8, 'True'));
    const obj = await done;
    expect(obj.metadata.resourceVersion).toBe('8');
    expect(state.watches[0].aborted).toBe(true); // no watch left running
  });

  it('ends at once with the abort reason when its signal is aborted, leaving no watch running', async () => {
    const { source, state } = fakeSource(gw(5, 'False'));
    const controller = new AbortController();
    const done = waitForObject(source, ref, programmed, { timeoutMs: 60_000, signal: controller.signal });
    await tick();
    controller.abort(new Error('a sibling step failed'));
    await expect(done).rejects.toThrow('a sibling step failed');
    expect(state.watches[0].aborted).toBe(true);
    await expect(
      waitForObject(source, ref, programmed, { timeoutMs: 60_000, signal: controller.signal }),
    ).rejects.toThrow('a sibling step failed');
  });

  it('resumes a closed watch from the last resourceVersion it saw', async () => {
    const { source, state } = fakeSource(gw(5, 'False'));
    const done = waitForObject(source, ref, programmed, { timeoutMs: 10_000 });
    await tick();
    state.watches[0].emit('MODIFIED', gw(9, 'False'));
    state.watches[0].end(); // closed quickly: resumes after a short backoff
    await new Promise((r) => setTimeout(r, 400));
    expect(state.watches).toHaveLength(2);
    expect(state.watches[1].rv).toBe('9');
    expect(state.lists).toBe(1);
    state.watches[1].emit('MODIFIED', gw(10, 'True'));
    await expect(done).resolves.toMatchObject({ metadata: { resourceVersion: '10' } });
  });

  it('re-lists after 410 Gone and sees the state it missed', async () => {
    const { source, state } = fakeSource(gw(5, 'False'));
    const done = waitForObject(source, ref, programmed, { timeoutMs: 5_000 });
    await tick();
    state.current = gw(50, 'True');
    state.watches[0].emit('ERROR', {
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version',
    });
    state.watches[0].end();
    await expect(done).resolves.toMatchObject({ metadata: { resourceVersion: '50' } });
    expect(state.lists).toBe(2);
  });

  it('treats DELETED as absent (a predicate waiting for deletion resolves)', async () => {
    const { source, state } = fakeSource(gw(5, 'False'));
    const done = waitForObject(source, ref, (o) => o === undefined, { timeoutMs: 5_000 });
    await tick();
    state.watches[0].emit('DELETED', gw(6, 'False'));
    await expect(done).resolves.toBeUndefined();
  });

  it('times out with the last seen state and what it waited for, and stops the watch', async () => {
    const { source, state } = fakeSource(gw(5, 'False'));
    const err = await waitForObject(source, ref, programmed, { timeoutMs: 50, what: 'Programmed=True' }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.message).toBe(
      'Gateway istio-system/external-gateway: Accepted=True, Programmed=False (AddressNotAssigned: no address) after 0.1 s; waited for Programmed=True',
    );
    expect(state.watches.every((w) => w.aborted)).toBe(true);
  });

  it('reports "not found" and the last API error when the object never appeared', async () => {
    const { source, state } = fakeSource(undefined);
    state.listError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const err = await waitForObject(source, ref, programmed, { timeoutMs: 100, what: 'Programmed=True' }).catch(
      (e) => e,
    );
    expect(err.message).toBe(
      'Gateway istio-system/external-gateway: not found after 0.1 s (last API error: connect ECONNREFUSED 127.0.0.1:6443); waited for Programmed=True',
    );
  });

  it('retries an unknown kind (discovery lags behind a new CRD) and resolves once the kind is served', async () => {
    const { source, state } = fakeSource(gw(5, 'True'));
    let unknownLists = 2;
    const readOne = source.readOne.bind(source);
    source.readOne = async (r) => {
      if (unknownLists-- > 0) {
        state.lists++;
        throw new Error('Unrecognized API version and kind: gateway.networking.k8s.io/v1 Gateway');
      }
      return readOne(r);
    };
    const obj = await waitForObject(source, ref, programmed, { timeoutMs: 5_000, unknownKindGraceMs: 5_000 });
    expect(obj.metadata.resourceVersion).toBe('5');
    expect(state.lists).toBe(3);
  });

  it('fails with the unknown-kind error once the grace period is over, not with a generic timeout', async () => {
    const { source, state } = fakeSource(undefined);
    state.listError = new Error('Unrecognized API version and kind: gateway.networking.k8s.io/v1 Gateway');
    await expect(waitForObject(source, ref, programmed, { timeoutMs: 5_000, unknownKindGraceMs: 300 })).rejects.toThrow(
      /^Unrecognized API version and kind/,
    );
    expect(state.lists).toBeGreaterThan(1);
    // A deadline shorter than the grace period also ends with the unknown-kind error.
    await expect(waitForObject(source, ref, programmed, { timeoutMs: 300, unknownKindGraceMs: 5_000 })).rejects.toThrow(
      /^Unrecognized API version and kind/,
    );
  });

  it('fails at once on 401/403 (waiting cannot fix credentials or RBAC)', async () => {
    const { source, state } = fakeSource(undefined);
    state.listError = Object.assign(new Error('Forbidden'), {
      code: 403,
      body: { message: 'gateways is forbidden', reason: 'Forbidden', code: 403 },
    });
    await expect(waitForObject(source, ref, programmed, { timeoutMs: 5_000 })).rejects.toMatchObject({ code: 403 });
    expect(state.lists).toBe(1);
  });

  it('uses a custom describe', () => {
    expect(
      waitTimeoutMessage(ref, undefined, {
        timeoutMs: 180_000,
        describe: () => 'no addresses yet',
        what: 'an address',
      }),
    ).toBe('Gateway istio-system/external-gateway: no addresses yet after 180 s; waited for an address');
  });

  describe('records each wait as a check', () => {
    it('counts the states read until the predicate held, with the ones that did not', async () => {
      const { source, state } = fakeSource(gw(5, 'False'));
      const records: CheckRecord[] = [];
      const done = waitForObject(source, ref, programmed, {
        timeoutMs: 5_000,
        what: 'Programmed=True',
        onRecord: (r) => records.push(r),
      });
      await tick();
      state.watches[0].emit('MODIFIED', gw(6, 'False'));
      state.watches[0].emit('MODIFIED', gw(7, 'True'));
      await done;
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        kind: 'status',
        target: 'Gateway istio-system/external-gateway: Programmed=True',
        subject: 'Gateway istio-system/external-gateway',
        required: 1,
        attempts: 3,
        matched: 1,
        outcome: 'converged',
        nonMatching: [{ answer: 'Accepted=True, Programmed=False (AddressNotAssigned: no address)', count: 2 }],
      });
      expect(records[0].consistentMs).toBe(records[0].firstMatchMs);
    });

    it('classifies a wait that saw states but never the one it wanted as never-matched', async () => {
      const { source } = fakeSource(gw(5, 'False'));
      const records: CheckRecord[] = [];
      await waitForObject(source, ref, programmed, { timeoutMs: 50, onRecord: (r) => records.push(r) }).catch(() => {});
      expect(records[0]).toMatchObject({ outcome: 'never-matched', attempts: 1, matched: 0 });
      expect(records[0].lastNonMatching).toBe('Accepted=True, Programmed=False (AddressNotAssigned: no address)');
    });

    it('classifies a wait that never reached the API as unreachable; an API that refused was reached', async () => {
      const { source, state } = fakeSource(undefined);
      state.listError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
      const records: CheckRecord[] = [];
      await waitForObject(source, ref, programmed, { timeoutMs: 300, onRecord: (r) => records.push(r) }).catch(
        () => {},
      );
      expect(records[0]).toMatchObject({ outcome: 'unreachable', lastNonMatching: 'API error: ECONNREFUSED' });

      state.listError = Object.assign(new Error('Forbidden'), {
        code: 403,
        body: { message: 'gateways is forbidden', reason: 'Forbidden', code: 403 },
      });
      await waitForObject(source, ref, programmed, { timeoutMs: 5_000, onRecord: (r) => records.push(r) }).catch(
        () => {},
      );
      expect(records[1]).toMatchObject({
        outcome: 'never-matched',
        lastNonMatching: 'API error: gateways is forbidden (HTTP 403)',
      });
    });

    it('records nothing for a wait that was aborted (a cancelled run, not a check)', async () => {
      const { source } = fakeSource(gw(5, 'False'));
      const records: CheckRecord[] = [];
      const controller = new AbortController();
      const done = waitForObject(source, ref, programmed, {
        timeoutMs: 5_000,
        signal: controller.signal,
        onRecord: (r) => records.push(r),
      });
      controller.abort(new Error('the run failed'));
      await expect(done).rejects.toThrow('the run failed');
      expect(records).toEqual([]);
    });
  });
});
