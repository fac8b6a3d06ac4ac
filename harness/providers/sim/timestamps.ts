/** Kubernetes' metav1.Time wire format: RFC 3339 in UTC, whole seconds. */
export function nowTimestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}
