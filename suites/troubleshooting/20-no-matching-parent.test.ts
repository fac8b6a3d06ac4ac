import { describe } from 'vitest';
import { defineCase } from '../case.ts';
import { refOf } from '../../harness/kube/types.ts';
import { waitForRouteParent } from '../status.ts';
import { objectOf, parentOf, renderCase, scopedObjects } from './manifests.ts';

describe('troubleshooting', () => {
  describe('parentRef to a listener that does not exist', () => {
    const apply = scopedObjects();

    // A parentRef to a Gateway that does not exist cannot be asserted portably (Istio writes no
    // parent status for it), so this is upstream's sectionName variant: Accepted=False/NoMatchingParent.
    defineCase(
      {
        id: 'tsNoMatchingParent',
        title: 'a parentRef to a listener the Gateway does not have is not Accepted (NoMatchingParent)',
        upstream: 'HTTPRouteInvalidParentRefNotMatchingSectionName',
      },
      async () => {
        const route = objectOf(await apply(await renderCase('20-no-matching-parent.yaml')), 'HTTPRoute');
        await waitForRouteParent(refOf(route), parentOf(route), [
          { type: 'Accepted', status: 'False', reason: 'NoMatchingParent' },
        ]);
      },
    );
  });
});
