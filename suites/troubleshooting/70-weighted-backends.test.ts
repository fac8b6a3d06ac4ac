import { describe } from 'vitest';
import { defineCase } from '../case.ts';
import { refOf } from '../../harness/kube/types.ts';
import { eventually, request } from '../context.ts';
import { servedBy } from '../httpbin.ts';
import { waitForRouteParent } from '../status.ts';
import { hostOf, objectOf, parentOf, renderCase, scopedObjects } from './manifests.ts';
import { sample, showCounts } from './sampling.ts';

const requests = 40;
const atLeast = 5; // of 40 at 1:1, fewer happens with probability ~1e-7

function answeredMessage(host: string, weights: string, counts: Map<string, number>, expected: string): string {
  return `${requests} requests to GET /env (Host: ${host}) with weights ${weights} were answered by ${showCounts(counts)}; expected ${expected}.`;
}

// HTTPRouteWeight: traffic splits by weight (upstream 70/30/0, checked with a tolerance); we
// check 1:1 reaches both sides, and that a weight-0 backend gets nothing.
describe('troubleshooting', () => {
  describe('weighted backends', () => {
    const apply = scopedObjects();

    /** A fresh route to v1 and v2 with these weights, accepted and resolved; returns its Host. */
    async function weightedRoute(what: string, v1Weight: number, v2Weight: number): Promise<string> {
      const route = objectOf(
        await apply(await renderCase('70-weighted-backends.yaml', { what, v1Weight, v2Weight })),
        'HTTPRoute',
      );
      await waitForRouteParent(refOf(route), parentOf(route), [
        { type: 'Accepted', status: 'True' },
        { type: 'ResolvedRefs', status: 'True' },
      ]);
      return hostOf(route);
    }

    defineCase(
      { id: 'tsWeightSplit', title: 'equal weights send requests to both backends', upstream: 'HTTPRouteWeight' },
      async () => {
        const host = await weightedRoute('weights', 1, 1);
        // As upstream: the route must serve consistently before the distribution is measured.
        await eventually(request('/env', { host }), servedBy('v1', 'v2'));
        const counts = await sample(request('/env', { host }), requests);
        const short = ['v1', 'v2'].filter((v) => (counts.get(v) ?? 0) < atLeast);
        const others = [...counts.keys()].filter((k) => k !== 'v1' && k !== 'v2');
        if (short.length > 0 || others.length > 0) {
          throw new Error(
            answeredMessage(host, 'v1=1, v2=1', counts, `only v1 and v2, each at least ${atLeast} times`),
          );
        }
      },
    );

    defineCase(
      { id: 'tsWeightZero', title: 'a backend with weight 0 gets no requests', upstream: 'HTTPRouteWeight' },
      async () => {
        // A fresh route (not an update): until it is programmed its Host gets 404, never v2.
        const host = await weightedRoute('weight-zero', 1, 0);
        await eventually(request('/env', { host }), servedBy('v1'));
        const counts = await sample(request('/env', { host }), requests);
        if (counts.size !== 1 || !counts.has('v1'))
          throw new Error(answeredMessage(host, 'v1=1, v2=0', counts, 'v1 only'));
      },
    );
  });
});
