import { conditionHolds } from '../../../kube/conditions.ts';
import type { KubeLike } from './deps.ts';

/**
 * Wait until every named CustomResourceDefinition is Established=True, i.e. the API server serves
 * its kinds (discovery may still lag a moment behind: see UNKNOWN_KIND_GRACE_MS). Used after the
 * Gateway API bundle and after the CRDs of a vendor's manifest.
 */
export async function waitForCrdsEstablished(
  kube: Pick<KubeLike, 'waitFor'>,
  names: string[],
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  await Promise.all(
    names.map((name) =>
      kube.waitFor(
        { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name },
        (crd) => conditionHolds(crd, 'Established'),
        { timeoutMs: opts.timeoutMs, what: 'Established=True', signal: opts.signal },
      ),
    ),
  );
}
