import type { KubeObject, ObjectRef } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import type { Profile } from '../../profiles/types.ts';
import type { GatewayRef } from '../../providers/types.ts';
import type { TestRecord } from '../results.ts';

/** The Kube methods the bundle needs (harness/kube/client.ts Kube satisfies it). */
export interface DiagnosticsKube {
  list(apiVersion: string, kind: string, opts?: { namespace?: string; labelSelector?: string }): Promise<KubeObject[]>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  podLogs(namespace: string, pod: string, opts?: { container?: string; tailLines?: number }): Promise<string>;
  events(namespace: string): Promise<KubeObject[]>;
}

export interface DiagnosticsFailure {
  /** Setup failed before the suites ran (the error's message). */
  setup?: string;
  /** Failed tests (suite, title, error). */
  tests?: Pick<TestRecord, 'suite' | 'title' | 'id' | 'error'>[];
}

export interface DiagnosticsInput {
  kube: DiagnosticsKube;
  /** The report directory; the bundle goes to `<dir>/diagnostics/`. */
  dir: string;
  /** Namespaces involved (fixtures, Gateways). */
  namespaces: string[];
  /** Further objects to include (any namespace); Secrets among them are refused. */
  objects?: ObjectRef[];
  profile: Pick<Profile, 'name' | 'diagnostics'>;
  gateways: GatewayRef[];
  failure: DiagnosticsFailure;
  /** Provider-specific collection (kind: `kind export logs`), given `<bundle>/provider`. */
  providerDiagnose?: (dir: string) => Promise<void>;
  log?: Logger;
  /** Log lines kept per container (default 2000). */
  tailLines?: number;
  /** Upper bound for one collection step (default 60 s; the provider step gets 4×). */
  stepTimeoutMs?: number;
}

export interface DiagnosticsBundle {
  dir: string;
  readme: string;
  /** Collection steps that failed, as written in the README. */
  problems: string[];
  /** Files written, relative to `dir`. */
  files: string[];
}
