import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigFor, startApiServer, type SimApiServer } from '../providers/sim/apiserver/server.ts';
import { Store } from '../providers/sim/apiserver/store.ts';
import { seededRandom } from '../providers/sim/seeded-random.ts';
import { Kube } from './client.ts';

// The Kube client against a sim API server that answers a third of its requests 429/503/500 and
// closes every watch after 300 ms: each idempotent call still succeeds, and a wait still sees the
// change it waits for, resumed across the dropped watches.

let api: SimApiServer;
let store: Store;
let dir: string;
let kube: Kube;

beforeAll(async () => {
  store = new Store();
  api = await startApiServer({ store, faults: { errorRate: 0.3, watchDropMs: 300, random: seededRandom(5) } });
  dir = mkdtempSync(join(tmpdir(), 'kindgate-kube-faults-'));
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor(api));
  kube = Kube.fromFile(join(dir, 'kubeconfig'));
});

afterAll(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const configMap = (name: string, ns = 'faults') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data: { n: name },
});
const ref = (name: string, ns = 'faults') => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name });

// Side by side, each in a namespace of its own: both wait on the server's Retry-After pauses.
describe.concurrent('the Kube client through transient API faults', () => {
  it('applies, reads, lists and deletes every object despite them', async () => {
    await kube.apply([namespace('faults')]);
    const names = Array.from({ length: 6 }, (_, i) => `cm-${i}`);
    await kube.apply(names.map((name) => configMap(name)));
    // The reads and deletes of the six objects side by side, as the suites make them: the pauses
    // the server asks for (Retry-After: 1, as kube-apiserver's) overlap rather than add up.
    const read = await Promise.all(names.map((name) => kube.get(ref(name))));
    expect(read.map((cm) => cm?.data)).toEqual(names.map((n) => ({ n })));
    expect((await kube.list('v1', 'ConfigMap', { namespace: 'faults' })).map((c) => c.metadata.name).sort()).toEqual(
      [...names].sort(),
    );
    expect(await Promise.all(names.map((name) => kube.delete(ref(name))))).toEqual(names.map(() => true));
    expect(await kube.get(ref('cm-0'))).toBeUndefined();
  }, 60_000);

  it('a wait resumes across dropped watches and sees a change made seconds later', async () => {
    await kube.apply([namespace('faults-wait'), configMap('later', 'faults-wait')]);
    setTimeout(() => {
      const cm = store.get('v1', 'ConfigMap', 'faults-wait', 'later')!;
      store.update({ ...cm, data: { n: 'changed' } });
    }, 1_500);
    const seen = await kube.waitFor(
      ref('later', 'faults-wait'),
      (obj) => (obj?.data as { n?: string } | undefined)?.n === 'changed',
      {
        timeoutMs: 20_000,
      },
    );
    expect(seen.data).toEqual({ n: 'changed' });
  }, 30_000);
});
