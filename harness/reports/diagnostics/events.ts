import { eventTime, sortEvents } from '../../kube/events.ts';
import type { KubeObject } from '../../kube/types.ts';
import { safeName, type BundleWriter } from './bundle-writer.ts';
import { objectsYaml } from './objects.ts';
import type { DiagnosticsKube } from './types.ts';

/** `<namespace>/events.yaml` and `events.txt`: a namespace's events, oldest first. */
export async function collectEvents(bundle: BundleWriter, kube: DiagnosticsKube, namespace: string): Promise<void> {
  await bundle.step(`events in ${namespace}`, async () => {
    const events = sortEvents(await kube.events(namespace));
    await bundle.write(`${safeName(namespace)}/events.yaml`, objectsYaml(events));
    await bundle.write(`${safeName(namespace)}/events.txt`, eventsTable(events));
  });
}

interface EventFields {
  type?: string;
  reason?: string;
  message?: string;
  note?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string };
  regarding?: { kind?: string; name?: string };
}

/** One table row; core/v1 and events.k8s.io/v1 Events name the object and the text differently. */
function eventRow(e: KubeObject): string[] {
  const x = e as EventFields;
  const about = x.involvedObject ?? x.regarding ?? {};
  const message = (x.message ?? x.note ?? '').replace(/\s*\n\s*/g, ' ');
  return [
    eventTime(e) || '-',
    x.type ?? '-',
    x.reason ?? '-',
    `${about.kind ?? '?'}/${about.name ?? '?'}`,
    String(x.count ?? 1),
    message,
  ];
}

/** `kubectl get events` as a table: time, type, reason, object, count, message. */
export function eventsTable(events: KubeObject[]): string {
  const rows = sortEvents(events).map(eventRow);
  if (rows.length === 0) return 'no events\n';
  const header = ['TIME', 'TYPE', 'REASON', 'OBJECT', 'COUNT', 'MESSAGE'];
  const last = header.length - 1;
  const widths = header.map((h, i) => (i === last ? 0 : Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
