import type { KubeObject } from './types.ts';

/**
 * When an Event happened: core/v1 Events carry lastTimestamp/firstTimestamp, events.k8s.io/v1
 * ones eventTime (and the old fields as deprecated*); the creation time is the last resort.
 */
export function eventTime(e: KubeObject): string {
  const x = e as {
    lastTimestamp?: string;
    eventTime?: string;
    firstTimestamp?: string;
    deprecatedLastTimestamp?: string;
  };
  return (
    x.lastTimestamp ??
    x.eventTime ??
    x.deprecatedLastTimestamp ??
    x.firstTimestamp ??
    e.metadata.creationTimestamp ??
    ''
  );
}

/** Oldest first, as `kubectl get events --sort-by` shows them. */
export function sortEvents(events: KubeObject[]): KubeObject[] {
  return [...events].sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
}
