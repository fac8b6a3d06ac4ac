import { AsyncLocalStorage } from 'node:async_hooks';
import {
  createConfiguration,
  KubernetesObjectApi,
  ServerConfiguration,
  type Configuration,
  type KubeConfig,
  type KubernetesObject,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

/**
 * KubernetesObjectApi (discovery, URL building, auth, TLS) with the JSON passed through untouched.
 *
 * Why: in client-node 1.x the generic object API runs bodies through its typed model serializer,
 * which drops fields the model does not know (e.g. `x-kubernetes-preserve-unknown-fields` in CRD
 * schemas, kubernetes-client/javascript#2962) and turns timestamps into Date objects. A middleware
 * replaces the outgoing body with our own JSON and keeps the response text, which we parse ourselves.
 * The per-call state travels in an AsyncLocalStorage, so concurrent calls cannot mix.
 */

interface Exchange {
  /** Body to send instead of the serializer's output (PATCH/POST/PUT only). */
  body?: string;
  /** Text of the last response seen in this call (the main request comes after discovery). */
  text?: string;
  signal?: AbortSignal;
}

const exchange = new AsyncLocalStorage<Exchange>();

const passThrough = {
  async pre(ctx: RequestContext): Promise<RequestContext> {
    const ex = exchange.getStore();
    if (!ex) return ctx;
    if (ex.body !== undefined && ['PATCH', 'POST', 'PUT'].includes(ctx.getHttpMethod())) ctx.setBody(ex.body);
    if (ex.signal) ctx.setSignal(ex.signal);
    return ctx;
  },
  async post(rsp: ResponseContext): Promise<ResponseContext> {
    const ex = exchange.getStore();
    if (!ex) return rsp;
    const text = await rsp.body.text();
    ex.text = text;
    rsp.body = { text: async () => text, binary: async () => Buffer.from(text) };
    return rsp;
  },
};

/** Exposes the protected discovery helpers we need (collection paths for watches, scope). */
class DiscoveringObjectApi extends KubernetesObjectApi {
  collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    return this.specUriPath({ apiVersion, kind, metadata: { namespace } } as KubernetesObject, 'list');
  }
  async scope(apiVersion: string, kind: string): Promise<'Namespaced' | 'Cluster' | undefined> {
    const resource = await this.resource(apiVersion, kind);
    if (!resource) return undefined;
    return resource.namespaced ? 'Namespaced' : 'Cluster';
  }
  namespaceDefault(): string {
    return this.defaultNamespace;
  }
}

export class RawObjectApi {
  readonly configuration: Configuration;
  readonly api: DiscoveringObjectApi;

  constructor(
    kubeConfig: KubeConfig,
    /** Upper bound for one API request (not for watches). */
    private readonly requestTimeoutMs = 30_000,
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [passThrough],
    });
    this.api = new DiscoveringObjectApi(this.configuration);
    // As KubernetesObjectApi.makeApiClient does: the context's namespace is the default one.
    const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
    if (context?.namespace) (this.api as unknown as { defaultNamespace: string }).defaultNamespace = context.namespace;
  }

  /** Run one client call; returns the raw JSON of its (last) response. `signal` ends it early (a cancelled run). */
  async call<T = unknown>(
    fn: (api: DiscoveringObjectApi) => Promise<unknown>,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    const ex: Exchange = {
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    };
    await exchange.run(ex, () => fn(this.api));
    return (ex.text ? JSON.parse(ex.text) : undefined) as T;
  }

  /** Run a call of another generated API (logs, version) with the request timeout applied. */
  withTimeout<T>(fn: () => Promise<T>): Promise<T> {
    return exchange.run({ signal: AbortSignal.timeout(this.requestTimeoutMs) }, fn);
  }
}
