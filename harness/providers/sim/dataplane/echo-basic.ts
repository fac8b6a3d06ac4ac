import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type BackendServer, containerLog, listenOnLoopback } from './backend-server.ts';
import { canonicalHeaderName } from './httpbin.ts';

/**
 * A stand-in for the upstream conformance suite's backend, echo-basic
 * (gateway-api conformance/echo-basic/echo-basic.go at v1.6.1), on loopback: the suite reads its
 * JSON answer to tell which backend served a request and what it received. What it answers:
 *
 * - any path: 200 with `{path, host, method, proto, headers, httpPort, namespace, ingress, service,
 *   pod}` (pretty-printed with a one-space indent, as Go's json.MarshalIndent(v, "", " ")): the
 *   request target as received, the Host, the request headers as Go's http.Header (canonical names,
 *   value lists, Host not among them), HTTP_PORT (default 3000), and NAMESPACE, INGRESS_NAME,
 *   SERVICE_NAME, POD_NAME from the environment (the manifests set POD_NAME and NAMESPACE from the
 *   Downward API); `X-Echo-Set-Header: Name: value, Other: value` request headers become response
 *   headers (a repeated name is joined with a comma); `?delay=1s` waits before answering;
 * - `/health`: 200 `OK`; `/status/NNN`: that status, empty body (400 unless the whole request target
 *   is `/status/` and three digits);
 * - `/retry/?uuid=U&succeedAfter=N[&responseCode=C]`: the first N requests of a uuid fail (a TCP
 *   reset, or status C), later ones echo.
 *
 * Not emulated: its h2c, HTTPS (TLS_SERVER_CERT), websocket, gRPC, TCP and UDP servers. A path
 * that is not clean is redirected (301) as Go's ServeMux does, after `//` became `/`.
 */

const DEFAULT_HTTP_PORT = '3000';

/** Go's time.ParseDuration for what tests send (`500ms`, `1s`, `1m30s`); undefined when invalid. */
export function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]], 0);
}

/** Go's encoding/json escapes these even inside strings (HTML safety). */
function goJsonEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An HTTP token (RFC 9110), which Go requires of a header name it writes. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Request headers as a Go server's http.Header: canonical names, values in order, Host moved out. */
function goRequestHeaders(req: IncomingMessage): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const raw = req.rawHeaders[i];
    const name = TOKEN.test(raw) ? canonicalHeaderName(raw) : raw;
    if (name === 'Host' || name === 'Transfer-Encoding') continue; // Go keeps these outside Header
    (out[name] ??= []).push(req.rawHeaders[i + 1]);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The response headers X-Echo-Set-Header asks for, in order, names as given: each value is a
 * comma-separated list of `Name:value`; a name seen before gets `,value` appended to its first value.
 */
export function echoSetHeaders(values: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const list of values) {
    for (const item of list.split(',')) {
      const trimmed = item.trim();
      const colon = trimmed.indexOf(':');
      const name = colon === -1 ? trimmed : trimmed.slice(0, colon);
      const value = colon === -1 ? '' : trimmed.slice(colon + 1);
      const existing = out.find(([n]) => n === name);
      if (existing) existing[1] += `,${value.trim()}`;
      else out.push([name, value]);
    }
  }
  return out.filter(([name]) => TOKEN.test(name)); // Go skips names it cannot write
}

/** Go's path.Clean for a request path (ServeMux redirects to it when they differ). */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  const cleaned = `/${out.join('/')}`;
  return p.endsWith('/') && cleaned !== '/' ? `${cleaned}/` : cleaned;
}

export async function startEchoBasic(opts: { env: Record<string, string> }): Promise<BackendServer> {
  const { env } = opts;
  const httpPort = env.HTTP_PORT || DEFAULT_HTTP_PORT;
  const context = {
    namespace: env.NAMESPACE ?? '',
    ingress: env.INGRESS_NAME ?? '',
    service: env.SERVICE_NAME ?? '',
    pod: env.POD_NAME ?? '',
  };
  const { log, text: logs } = containerLog();
  const retryAttempts = new Map<string, number>();

  const echo = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> => {
    log(`Echoing back request made to ${req.url} to client (${req.socket.remoteAddress}:${req.socket.remotePort})`);
    if (await delayFailed(res, query.get('delay'))) return;
    const body = {
      path: req.url ?? '/',
      host: req.headers.host ?? '',
      method: req.method ?? 'GET',
      proto: `HTTP/${req.httpVersion}`,
      headers: goRequestHeaders(req),
      httpPort,
      ...context,
    };
    const json = goJsonEscape(JSON.stringify(body, null, 1));
    const requested = req.headersDistinct['x-echo-set-header'] ?? [];
    const headers = [
      ...echoSetHeaders(requested).flat(),
      ...['Content-Type', 'application/json', 'X-Content-Type-Options', 'nosniff'],
      ...['Content-Length', String(Buffer.byteLength(json))],
    ];
    res.writeHead(200, headers);
    res.end(json);
  };

  const retry = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> => {
    const uuid = query.get('uuid') ?? '';
    if (!uuid) return void plain(res, 400, 'uuid is required');
    const succeedAfter = Number.parseInt(query.get('succeedAfter') ?? '', 10);
    if (Number.isNaN(succeedAfter)) return void plain(res, 400, 'succeedAfter is required');
    const attempts = retryAttempts.get(uuid) ?? 0;
    if (attempts >= succeedAfter) return echo(req, res, query);
    retryAttempts.set(uuid, attempts + 1);
    if (await delayFailed(res, query.get('delayRetry'))) return;
    const responseCode = Number.parseInt(query.get('responseCode') ?? '', 10);
    if (Number.isNaN(responseCode)) return void req.socket.resetAndDestroy();
    plain(res, responseCode, '');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    req.resume(); // echo-basic never reads the body
    const target = req.url ?? '/';
    const url = new URL(target, 'http://echo.invalid');
    // The path as sent: URL would already have resolved the dot segments ServeMux redirects for.
    const path = target.split('?')[0].replaceAll('//', '/');
    const cleaned = cleanPath(path);
    if (cleaned !== path && req.method !== 'CONNECT') {
      res.writeHead(301, { Location: `${cleaned}${url.search}`, 'Content-Length': 0 });
      return void res.end();
    }
    if (path === '/health') return void plain(res, 200, 'OK');
    if (path.startsWith('/status/')) {
      const code = /^\/status\/(\d\d\d)$/.exec(target);
      const status = code ? Number(code[1]) : 400;
      if (status < 100) return void req.socket.destroy(); // Go panics on such a code: the connection drops
      return void plain(res, status, '');
    }
    if (path.startsWith('/retry/')) return retry(req, res, url.searchParams);
    return echo(req, res, url.searchParams);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) processError(res, String(error));
      else res.destroy();
    });
  });
  const backend = await listenOnLoopback(server, logs);
  log(`Starting server, listening on port ${httpPort} (http)`);
  return backend;
}

function plain(res: ServerResponse, status: number, body: string): void {
  const headers: Record<string, string | number> = { 'Content-Length': Buffer.byteLength(body) };
  if (body) headers['Content-Type'] = 'text/plain; charset=utf-8';
  res.writeHead(status, headers);
  res.end(body);
}

/** echo-basic's error answer: `{"message": "..."}` as JSON. */
function processError(res: ServerResponse, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(500, {
    'Content-Type': 'application/json',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Waits `?delay=`/`?delayRetry=`; an unparsable duration is answered as an error (true). */
async function delayFailed(res: ServerResponse, value: string | null): Promise<boolean> {
  if (!value) return false;
  const ms = parseGoDuration(value);
  if (ms === undefined) {
    processError(res, `time: invalid duration "${value}"`);
    return true;
  }
  await new Promise((r) => setTimeout(r, ms));
  return false;
}
