import { accessSync, constants } from 'node:fs';
import { CoreV1Api, KubeConfig, VersionApi, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { UsageError, WaitTimeoutError } from '../errors.ts';
import { secondsOf } from '../log.ts';
import { retry } from '../retry.ts';
import { isNotFound, networkErrorCode, toKubeError } from './api-error.ts';
import { sortEvents } from './events.ts';
import { RawObjectApi } from './raw-object-api.ts';
import { retryTransient } from './transient.ts';
import type { KubeObject, ObjectRef } from './types.ts';
import { waitForObject, type WaitOptions, type WaitSource } from './wait.ts';
import { expandDocument, parseManifests } from './yaml.ts';

export type { KubeObject, ObjectRef } from './types.ts';
export type { WaitOptions } from './wait.ts';
export { KubeApiError } from './api-error.ts';

export interface ApplyOptions {
  /** Server-side apply field manager (default `kindgate`). */
  fieldManager?: string;
  /** Take over fields owned by other managers (default true, as the harness owns its fixtures). */
  force?: boolean;
  /** Namespace for namespaced objects that lack one (default: the context's namespace, else `default`). */
  namespace?: string;
  /** Aborting it ends the request in flight and applies nothing more (the run was cancelled). */
  signal?: AbortSignal;
}

interface ListBody {
  metadata?: { resourceVersion?: string };
  items?: KubeObject[];
}

/** Read-only fields a server-side apply body must not carry (e.g. when re-applying a read object). */
const SERVER_OWNED_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'selfLink',
];

export class Kube {
  private readonly raw: RawObjectApi;
  private readonly server: string;

  constructor(readonly kubeConfig: KubeConfig) {
    this.raw = new RawObjectApi(kubeConfig);
    this.server = kubeConfig.getCurrentCluster()?.server ?? '(no server)';
  }

  /** Load a kubeconfig file (never the user's default unless that is the path given). */
  static fromFile(kubeconfigPath: string, context?: string): Kube {
    try {
      accessSync(kubeconfigPath, constants.R_OK);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
      throw new UsageError(
        `Kubeconfig ${kubeconfigPath} ${why}; pass the path of a readable kubeconfig file (--kubeconfig).`,
        { cause: err },
      );
    }
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(kubeconfigPath);
    } catch (err) {
      throw new UsageError(invalidKubeconfigMessage(kubeconfigPath, err), { cause: err });
    }
    if (context !== undefined) {
      if (!kc.getContextObject(context)) {
        const known = kc.getContexts().map((c) => c.name);
        throw new UsageError(
          `Context "${context}" does not exist in kubeconfig ${kubeconfigPath} (it has: ${known.join(', ') || 'none'}); pass one of those with --context.`,
        );
      }
      kc.setCurrentContext(context);
    }
    const current = kc.getCurrentContext();
    if (!current || !kc.getContextObject(current)) {
      throw new UsageError(
        `Kubeconfig ${kubeconfigPath} has no current context; set current-context in the file or pass --context.`,
      );
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) {
      throw new UsageError(
        `Context "${current}" in kubeconfig ${kubeconfigPath} names a cluster the file does not define; ` +
          'fix the file or pass another --context.',
      );
    }
    // client-node 1.x refuses every request to an http:// server unless TLS verification is
    // explicitly skipped; say so now instead of failing each call obscurely.
    if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
      throw new UsageError(plainHttpMessage(cluster.name, cluster.server, kubeconfigPath));
    }
    return new Kube(kc);
  }

  /** Server-side apply of every object (multi-document YAML or objects), in order. */
  async apply(input: string | KubeObject[], opts: ApplyOptions = {}): Promise<KubeObject[]> {
    const objects =
      typeof input === 'string' ? parseManifests(input) : input.flatMap((o, i) => expandDocument(o, `object ${i + 1}`));
    const applied: KubeObject[] = [];
    for (const original of objects) {
      opts.signal?.throwIfAborted();
      const obj = applyBody(original);
      const ref = {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
      };
      try {
        if (!obj.metadata.namespace && opts.namespace) {
          const scope = await retryTransient(() => this.raw.api.scope(obj.apiVersion, obj.kind), {
            signal: opts.signal,
          });
          if (scope === 'Namespaced') {
            obj.metadata.namespace = opts.namespace;
            ref.namespace = opts.namespace;
          }
        }
        // Server-side apply is idempotent: a transient failure is simply applied again.
        const result = await retryTransient(
          () =>
            this.raw.call<KubeObject>(
              (api) =>
                api.patch(
                  structuredClone(obj) as KubernetesObject,
                  undefined,
                  undefined,
                  opts.fieldManager ?? 'kindgate',
                  opts.force ?? true,
                  'application/apply-patch+yaml',
                ),
              obj,
              opts.signal,
            ),
          { signal: opts.signal },
        );
        applied.push(result);
      } catch (err) {
        throw toKubeError(err, 'server-side apply', ref, this.server);
      }
    }
    return applied;
  }

  /** The object, or undefined if it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return await retryTransient(() => this.raw.call<KubeObject>((api) => api.read(headerOf(ref))));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toKubeError(err, 'get', ref, this.server);
    }
  }

  /** Objects of a kind (in a namespace, or all namespaces), with apiVersion/kind filled in. */
  async list(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {},
  ): Promise<KubeObject[]> {
    return (await this.listWithVersion(apiVersion, kind, opts)).items;
  }

  private async listWithVersion(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string; fieldSelector?: string },
  ): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    try {
      const body = await retryTransient(() =>
        this.raw.call<ListBody>((api) =>
          api.list(
            apiVersion,
            kind,
            opts.namespace,
            undefined,
            undefined,
            undefined,
            opts.fieldSelector,
            opts.labelSelector,
          ),
        ),
      );
      // A real API server leaves apiVersion/kind off list items.
      const items = (body?.items ?? []).map((item) => ({ ...item, apiVersion, kind }));
      return { items, resourceVersion: body?.metadata?.resourceVersion ?? '' };
    } catch (err) {
      throw toKubeError(err, 'list', { apiVersion, kind, namespace: opts.namespace, name: '*' }, this.server);
    }
  }

  /** Delete; false if it was already gone. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await retryTransient(() =>
        this.raw.call((api) =>
          api.delete(headerOf(ref) as never, undefined, undefined, undefined, undefined, 'Background'),
        ),
      );
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw toKubeError(err, 'delete', ref, this.server);
    }
  }

  /**
   * Resolve with the object once `predicate` holds (watch-based). On timeout throws
   * WaitTimeoutError: `Gateway ns/name: Programmed=False (AddressNotAssigned: …) after 180 s; waited for Programmed=True`.
   */
  waitFor(ref: ObjectRef, predicate: (obj: KubeObject | undefined) => boolean, opts: WaitOptions): Promise<KubeObject> {
    return waitForObject(this.waitSource(), ref, predicate, opts);
  }

  private waitSource(): WaitSource {
    const watcher = new Watch(this.kubeConfig);
    return {
      readOne: async (ref) => {
        const { items, resourceVersion } = await this.listWithVersion(ref.apiVersion, ref.kind, {
          namespace: ref.namespace,
          fieldSelector: `metadata.name=${ref.name}`,
        });
        const object = items.find(
          (o) =>
            o.metadata.name === ref.name &&
            (!ref.namespace || !o.metadata.namespace || o.metadata.namespace === ref.namespace),
        );
        return { object, resourceVersion };
      },
      watch: async (ref, resourceVersion, onEvent, onDone) => {
        const path = await retryTransient(() => this.raw.api.collectionPath(ref.apiVersion, ref.kind, ref.namespace));
        const controller = await watcher.watch(
          path,
          {
            fieldSelector: `metadata.name=${ref.name}`,
            resourceVersion: resourceVersion || undefined,
            allowWatchBookmarks: true,
          },
          onEvent,
          onDone,
        );
        return { abort: () => controller.abort() };
      },
    };
  }

  /** Wait until the API server answers GET /version, retrying with backoff (not polling an object's state). */
  async waitForApi(timeoutMs: number): Promise<void> {
    const version = new VersionApi(this.raw.configuration);
    const askVersion = async () => {
      try {
        await this.raw.withTimeout(() => version.getCode());
      } catch (err) {
        // Only the reason is worth keeping for the message: the network code, else the first line.
        const reason = networkErrorCode(err) ?? (err instanceof Error ? err.message.split('\n')[0] : String(err));
        throw new Error(reason, { cause: err });
      }
    };
    try {
      await retry(askVersion, { windowMs: timeoutMs, minDelayMs: 250, maxDelayMs: 5_000 });
    } catch (error) {
      throw new WaitTimeoutError(apiDidNotAnswerMessage(this.server, timeoutMs, (error as Error).message), {
        cause: error,
      });
    }
  }

  /** Logs of one pod (container optional when it has one), optionally the last N lines. */
  async podLogs(
    namespace: string,
    pod: string,
    opts: { container?: string; tailLines?: number } = {},
  ): Promise<string> {
    const core = new CoreV1Api(this.raw.configuration);
    try {
      return await retryTransient(() =>
        this.raw.withTimeout(() =>
          core.readNamespacedPodLog({ name: pod, namespace, container: opts.container, tailLines: opts.tailLines }),
        ),
      );
    } catch (err) {
      throw toKubeError(err, 'reading logs', { apiVersion: 'v1', kind: 'Pod', namespace, name: pod }, this.server);
    }
  }

  /** Events of a namespace, oldest first. */
  async events(namespace: string): Promise<KubeObject[]> {
    const events = await this.list('v1', 'Event', { namespace });
    return sortEvents(events);
  }
}

function invalidKubeconfigMessage(path: string, err: unknown): string {
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return `Kubeconfig ${path} is not a valid kubeconfig (${reason}); fix the file or pass another one with --kubeconfig.`;
}

function plainHttpMessage(cluster: string, server: string, path: string): string {
  return (
    `Cluster "${cluster}" in kubeconfig ${path} uses plain HTTP (${server}), which @kubernetes/client-node only allows ` +
    'with insecure-skip-tls-verify: true; set that on the cluster entry or use its https address.'
  );
}

function apiDidNotAnswerMessage(server: string, timeoutMs: number, lastError: string): string {
  return (
    `Kubernetes API server at ${server} did not answer /version within ${secondsOf(timeoutMs)} s (last error: ${lastError}); ` +
    'check that the cluster is running and reachable from this machine.'
  );
}

function headerOf(ref: ObjectRef) {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
}

/** A deep copy fit for a server-side apply body. */
export function applyBody(obj: KubeObject): KubeObject {
  const body = structuredClone(obj);
  body.metadata = { ...body.metadata };
  for (const field of SERVER_OWNED_METADATA) delete body.metadata[field];
  return body;
}
