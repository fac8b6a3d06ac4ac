import type { KubeObject } from '../apiserver/store.ts';

/**
 * A container's environment as the kubelet builds it, for the values the sim can know: literal
 * `value`s (with `$(VAR)` references to earlier variables expanded, `$$` escaping a `$`) and the
 * Downward API's `valueFrom.fieldRef` (the upstream conformance manifests set POD_NAME and
 * NAMESPACE that way). Secret and ConfigMap references are left unset.
 */

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath?: string } };
}

/** metadata.labels['app'] → ['metadata.labels', 'app']. */
function splitSubscript(path: string): [string, string | undefined] {
  const m = /^([^[]+)\['([^']*)'\]$/.exec(path);
  return m ? [m[1], m[2]] : [path, undefined];
}

/** A Downward API fieldPath of a pod, as the kubelet resolves it. */
export function podField(pod: KubeObject, fieldPath: string): string | undefined {
  const [path, key] = splitSubscript(fieldPath);
  const spec = (pod.spec ?? {}) as { nodeName?: string; serviceAccountName?: string };
  const status = (pod.status ?? {}) as { podIP?: string; hostIP?: string };
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': spec.nodeName,
    'spec.serviceAccountName': spec.serviceAccountName ?? 'default',
    'status.podIP': status.podIP,
    'status.hostIP': status.hostIP,
  };
  if (path === 'metadata.labels' && key !== undefined) return pod.metadata.labels?.[key];
  if (path === 'metadata.annotations' && key !== undefined) return pod.metadata.annotations?.[key];
  return fields[path];
}

/** `$(NAME)` replaced by an earlier variable's value (kept as written when unknown), `$$` → `$`. */
function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) =>
    name === undefined ? '$' : (env[name] ?? whole),
  );
}

export function containerEnv(vars: EnvVar[] | undefined, pod: KubeObject): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of vars ?? []) {
    if (v.value !== undefined) env[v.name] = expand(v.value, env);
    else if (v.valueFrom?.fieldRef?.fieldPath) {
      const resolved = podField(pod, v.valueFrom.fieldRef.fieldPath);
      if (resolved !== undefined) env[v.name] = resolved;
    }
  }
  return env;
}
