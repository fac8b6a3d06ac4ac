import { randomBytes } from 'node:crypto';
import type { KubeObject, Store } from './store.ts';

/**
 * Core v1 Events as Kubernetes' own controllers record them (deployment-controller,
 * default-scheduler, kubelet), so `kubectl get events` and the diagnostics bundle see the
 * same kind of history as on a real cluster.
 */
export function recordEvent(
  store: Store,
  involved: KubeObject,
  event: { reason: string; message: string; component: string; type?: 'Normal' | 'Warning' },
  now: string,
): void {
  const namespace = involved.metadata.namespace ?? 'default';
  // Real event names are `<object>.<hex>`; the suffix only has to be unique.
  const name = `${involved.metadata.name}.${randomBytes(8).toString('hex')}`;
  store.create({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      resourceVersion: involved.metadata.resourceVersion,
    },
    reason: event.reason,
    message: event.message,
    type: event.type ?? 'Normal',
    source: { component: event.component },
    reportingComponent: event.component,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  });
}
