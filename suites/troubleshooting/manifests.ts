import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { ParentRefQuery } from '../../harness/kube/conditions.ts';
import { describeRef, refOf, type KubeObject, type ObjectRef } from '../../harness/kube/types.ts';
import { packageRoot } from '../../harness/package-paths.ts';
import { parseManifests } from '../../harness/kube/yaml.ts';
import { renderTemplate } from '../../harness/run/fixtures.ts';
import { cluster, gatewayRef, kube, primaryRoute, routeRef } from '../context.ts';

/**
 * The troubleshooting cases' own objects. Each case keeps its manifests in a YAML file beside it,
 * as upstream keeps conformance/tests/<test>.yaml beside <test>.go, written with the fixtures'
 * `{{placeholder}}` syntax over CaseValues. Objects are named kg-ts-<what>-{{suffix}} and carry
 * their own hostnames; they attach only to the fixtures' Gateway listener and are removed when
 * their block ends, so the shared fixtures stay as they are for the other suites.
 */

/** The values a troubleshooting manifest may reference as `{{name}}`. */
export interface CaseValues {
  /** Unique per run: every object is named kg-ts-<what>-{{suffix}}. */
  suffix: string;
  gatewayClassName: string;
  /** The fixtures' Gateway listener the routing suites use (the primary route's parent). */
  gatewayName: string;
  gatewayNamespace: string;
  listener: string;
  listenerPort: number;
  /** httpbin v1: the backend of the primary route's rule without header matches. */
  v1Namespace: string;
  v1Name: string;
  v1Port: number;
  /** httpbin v2: the backend behind its `x-version: v2` rule. */
  v2Namespace: string;
  v2Name: string;
  v2Port: number;
}

const suffix = randomBytes(3).toString('hex');

/** kg-ts-<what>-<suffix>, as the manifests name their objects. */
export function nameFor(what: string): string {
  return `kg-ts-${what}-${suffix}`;
}

interface RuleSpec {
  matches?: { headers?: { name: string; value: string }[] }[];
  backendRefs?: { name: string; namespace?: string; port?: number }[];
}

function backendsMissingMessage(route: string): string {
  return (
    `${route} has no backend behind an "x-version: v2" rule and one behind a rule without header matches; ` +
    'the troubleshooting suite takes httpbin v1 and v2 from those rules, so keep them in custom fixtures.'
  );
}

/**
 * httpbin v1 and v2 as the fixtures' route uses them: v2 behind the `x-version: v2` rule, v1
 * behind the rule without header matches (the contract the header-routing suite checks).
 */
async function fixtureBackends(): Promise<
  Pick<CaseValues, 'v1Namespace' | 'v1Name' | 'v1Port' | 'v2Namespace' | 'v2Name' | 'v2Port'>
> {
  const { route } = primaryRoute();
  const obj = await kube().get(routeRef(route));
  const rules = ((obj?.spec ?? {}) as { rules?: RuleSpec[] }).rules ?? [];
  const hasHeaders = (r: RuleSpec) => (r.matches ?? []).some((m) => (m.headers ?? []).length > 0);
  const isV2 = (r: RuleSpec) =>
    (r.matches ?? []).some((m) =>
      (m.headers ?? []).some((h) => h.name.toLowerCase() === 'x-version' && h.value === 'v2'),
    );
  const v2Rule = rules.find(isV2);
  const v1 = rules.find((r) => r !== v2Rule && !hasHeaders(r))?.backendRefs?.[0];
  const v2 = v2Rule?.backendRefs?.[0];
  if (!v1 || !v2) throw new Error(backendsMissingMessage(describeRef(routeRef(route))));
  // A Service backendRef must name its port (Gateway API validation); 80 only as the Service default.
  return {
    v1Namespace: v1.namespace ?? route.namespace,
    v1Name: v1.name,
    v1Port: v1.port ?? 80,
    v2Namespace: v2.namespace ?? route.namespace,
    v2Name: v2.name,
    v2Port: v2.port ?? 80,
  };
}

async function computeValues(): Promise<CaseValues> {
  const { gateway, listener } = primaryRoute();
  const gatewayObj = await kube().get(gatewayRef(gateway));
  const listeners = ((gatewayObj?.spec ?? {}) as { listeners?: { name: string; port: number }[] }).listeners;
  return {
    suffix,
    gatewayClassName: cluster().profile.gatewayClassName,
    gatewayName: gateway.name,
    gatewayNamespace: gateway.namespace,
    listener,
    listenerPort: listeners?.find((l) => l.name === listener)?.port ?? 80,
    ...(await fixtureBackends()),
  };
}

let values: Promise<CaseValues> | undefined;

/** The values of this run (read from the fixtures once). */
export function caseValues(): Promise<CaseValues> {
  values ??= computeValues();
  return values;
}

/** Render a manifest of this folder with the case values, plus `extra` ones a case sets itself. */
export async function renderCase(file: string, extra: Record<string, string | number> = {}): Promise<KubeObject[]> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const shown = relative(packageRoot, path);
  return parseManifests(
    renderTemplate(readFileSync(path, 'utf8'), { ...(await caseValues()), ...extra }, shown),
    shown,
  );
}

/** Apply objects for the enclosing describe block; they are deleted, newest first, when it ends. */
export function scopedObjects(): (objects: KubeObject[]) => Promise<KubeObject[]> {
  const refs: ObjectRef[] = [];
  afterAll(async () => {
    const results = await Promise.allSettled(refs.reverse().map((ref) => kube().delete(ref)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  return async (objects) => {
    const applied = await kube().apply(objects);
    for (const obj of applied) {
      const ref = refOf(obj);
      if (!refs.some((r) => r.kind === ref.kind && r.namespace === ref.namespace && r.name === ref.name))
        refs.push(ref);
    }
    return applied;
  };
}

/** The applied object of a kind (a case's manifest has one route, one Gateway…). */
export function objectOf(objects: readonly KubeObject[], kind: string): KubeObject {
  const found = objects.find((o) => o.kind === kind);
  if (!found) throw new Error(`The case's manifest has no ${kind}.`);
  return found;
}

/** A route's only parentRef: the parent its status is checked for. */
export function parentOf(route: KubeObject): ParentRefQuery {
  return ((route.spec ?? {}) as { parentRefs: ParentRefQuery[] }).parentRefs[0];
}

/** A route's first hostname: the Host its requests send. */
export function hostOf(route: KubeObject): string {
  return ((route.spec ?? {}) as { hostnames: string[] }).hostnames[0];
}
