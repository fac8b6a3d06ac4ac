// The watch-latency figure of `npm run bench`: how long after a controller writes a condition the
// harness's waitFor (list, then watch) sees it, beside a loop that GETs the object every 100 ms
// and checks it (as a polling harness does), measured against the same sim API in the same run.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kube } from '../harness/kube/client.ts';
import { conditionsOf } from '../harness/kube/conditions.ts';
import type { KubeObject, ObjectRef } from '../harness/kube/types.ts';
import type { Store } from '../harness/providers/sim/apiserver/store.ts';

const POLL_INTERVAL_MS = 100;
/** Time for a new wait to list and start its watch before the condition is written. */
const SETTLE_MS = 25;

const ref: ObjectRef = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', name: 'kindgate-bench' };

/** A GatewayClass no controller of the sim owns, so only the bench writes its status. */
function benchClass(): KubeObject {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name },
    spec: { controllerName: 'example.com/kindgate-bench' },
  };
}

const carries = (marker: string) => (obj: KubeObject | undefined) =>
  conditionsOf(obj).some((c) => c.type === 'Accepted' && c.message === marker);

/** Write Accepted=True with `marker` as its message, as a controller writes status. */
function writeCondition(store: Store, marker: string): void {
  const current = store.get(ref.apiVersion, ref.kind, undefined, ref.name)!;
  const condition = {
    type: 'Accepted',
    status: 'True',
    reason: 'Accepted',
    message: marker,
    observedGeneration: current.metadata.generation,
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  store.updateStatus({ ...current, status: { conditions: [condition] } });
}

/** ms from the write to the moment `seen` resolves. */
async function trial(store: Store, marker: string, seen: Promise<unknown>, beforeWriteMs: number): Promise<number> {
  await sleep(beforeWriteMs);
  const written = performance.now();
  writeCondition(store, marker);
  await seen;
  return performance.now() - written;
}

async function poll(kube: Kube, until: (obj: KubeObject | undefined) => boolean): Promise<void> {
  while (!until(await kube.get(ref))) await sleep(POLL_INTERVAL_MS);
}

export interface LatencySamples {
  watch: number[];
  polling: number[];
}

/** `trials` samples of each: waitFor through a watch, and the 100 ms polling loop. */
export async function watchLatency(kube: Kube, store: Store, trials: number): Promise<LatencySamples> {
  store.create(benchClass());
  const watch: number[] = [];
  const polling: number[] = [];
  for (let i = 0; i < trials; i++) {
    const marker = `watch-${i}`;
    const seen = kube.waitFor(ref, carries(marker), { timeoutMs: 10_000, what: marker });
    watch.push(await trial(store, marker, seen, SETTLE_MS));
  }
  for (let i = 0; i < trials; i++) {
    const marker = `poll-${i}`;
    // The write lands anywhere in the loop's 100 ms cycle, as a controller's write would.
    const phase = Math.random() * POLL_INTERVAL_MS;
    polling.push(await trial(store, marker, poll(kube, carries(marker)), SETTLE_MS + phase));
  }
  store.delete(ref.apiVersion, ref.kind, undefined, ref.name);
  return { watch, polling };
}
