import { describe } from 'vitest';
import { defineCase } from '../case.ts';
import type { ExpectedCondition } from '../../harness/kube/conditions.ts';
import { describeRef, refOf, type KubeObject } from '../../harness/kube/types.ts';
import { waitForRouteParent } from '../status.ts';
import { nameFor, objectOf, parentOf, renderCase, scopedObjects } from './manifests.ts';

const accepted: ExpectedCondition[] = [
  { type: 'Accepted', status: 'True' },
  { type: 'ResolvedRefs', status: 'True' },
];

function generationNotBumpedMessage(route: KubeObject, generation: number): string {
  return `${describeRef(refOf(route))}: generation stayed ${generation} after a spec update; the API server should have bumped it.`;
}

describe('troubleshooting', () => {
  describe('observedGeneration after an update', () => {
    const apply = scopedObjects();

    // HTTPRouteObservedGenerationBump: after a spec change, the conditions observe the new generation.
    defineCase(
      {
        id: 'tsObservedGeneration',
        title: "a route's conditions observe its new generation after a spec update",
        upstream: 'HTTPRouteObservedGenerationBump',
      },
      async () => {
        const [manifest] = await renderCase('60-observed-generation.yaml');
        const original = objectOf(await apply([manifest]), 'HTTPRoute');
        await waitForRouteParent(refOf(original), parentOf(original), accepted);

        const spec = manifest.spec as { hostnames: string[] };
        spec.hostnames = [...spec.hostnames, `${nameFor('generation-2')}.example.com`];
        const updated = objectOf(await apply([manifest]), 'HTTPRoute');
        const generation = updated.metadata.generation ?? 0;
        if (generation <= (original.metadata.generation ?? 0))
          throw new Error(generationNotBumpedMessage(updated, generation));
        // The waits require every condition's observedGeneration to be the latest generation.
        await waitForRouteParent(refOf(updated), parentOf(updated), accepted);
      },
    );
  });
});
