import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type BackendServer, containerLog, listenOnLoopback } from './backend-server.ts';

/**
 * An httpbin-like backend on loopback, answering the endpoints the suites use the way
 * mccutchen/go-httpbin 2.25.0 does (httpbin/handlers.go, helpers.go, responses.go at v2.25.0):
 * `/headers` echoes request headers with canonical names and array values (plus `Host`), `/env`
 * returns only variables named `HTTPBIN_ENV_*` (null when there are none), `/status/N` answers N
 * with a text/plain body-less response, `/` is the HTML index, unknown paths get Go's mux 404.
 */

export type HttpbinServer = BackendServer;

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
export const HTTPBIN_ENV_PREFIX = 'HTTPBIN_ENV_';

/** Go's textproto.CanonicalMIMEHeaderKey: `x-version` → `X-Version`. */
export function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => (part ? part[0].toUpperCase() + part.slice(1) : part))
    .join('-');
}

/** Request headers as Go's http.Header marshals them: canonical names, value arrays, keys sorted, Host added. */
export function headersAsGo(req: IncomingMessage): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = canonicalHeaderName(req.rawHeaders[i]);
    if (name === 'Host') continue; // Go moves Host out of the header map; added back below
    (out[name] ??= []).push(req.rawHeaders[i + 1]);
  }
  out.Host = [req.headers.host ?? ''];
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Only HTTPBIN_ENV_* variables are exposed; Go marshals an empty map that was never created as null. */
export function exposedEnv(env: Record<string, string>): Record<string, string> | null {
  const picked = Object.entries(env).filter(([k]) => k.startsWith(HTTPBIN_ENV_PREFIX));
  return picked.length === 0 ? null : Object.fromEntries(picked.sort(([a], [b]) => (a < b ? -1 : 1)));
}

function clientIp(req: IncomingMessage): string {
  const xff = req.headers['x-forwarded-for'];
  const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
  return first || req.socket.remoteAddress || '';
}

function queryArgs(url: URL): Record<string, string[]> {
  const args: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (args[k] ??= []).push(v);
  return args;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON_TYPE, `${JSON.stringify(value, null, 2)}\n`);
}

function sendError(res: ServerResponse, status: number, statusText: string, detail?: string): void {
  sendJson(res, status, { status_code: status, error: statusText, ...(detail ? { detail } : {}) });
}

/** The body as JSON, or null when it is empty or not JSON. */
function jsonOrNull(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** go-httpbin's structured (slog text) line for one request. */
function requestLogLine(req: IncomingMessage, res: ServerResponse, ms: number): string {
  const { statusCode: status } = res;
  return (
    `time=${new Date().toISOString()} level=INFO msg="${status} ${req.method} ${req.url} ${ms.toFixed(1)}ms" ` +
    `status=${status} method=${req.method} uri=${req.url} duration_ms=${ms.toFixed(3)} ` +
    `user_agent="${req.headers['user-agent'] ?? ''}" client_ip=${clientIp(req)}`
  );
}

export async function startHttpbin(opts: { env: Record<string, string> }): Promise<HttpbinServer> {
  const env = { ...opts.env };
  const { log, text: logs } = containerLog();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const noBody = () => ({
      args: queryArgs(url),
      headers: headersAsGo(req),
      method,
      origin: clientIp(req),
      url: `${req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${req.headers.host ?? ''}${req.url ?? '/'}`,
    });
    if (path === '/') {
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res, 'GET, HEAD');
      return send(
        res,
        200,
        HTML_TYPE,
        '<!DOCTYPE html>\n<html><head><title>go-httpbin</title></head><body><h1>go-httpbin (kindgate sim)</h1></body></html>\n',
      );
    }
    if (path === '/headers') return sendJson(res, 200, { headers: headersAsGo(req) });
    if (path === '/env') return sendJson(res, 200, { env: exposedEnv(env) });
    if (path === '/get') {
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res, 'GET, HEAD');
      return sendJson(res, 200, noBody());
    }
    if (path === '/anything' || path.startsWith('/anything/')) {
      const data = await readBody(req);
      return sendJson(res, 200, { ...noBody(), data, files: {}, form: {}, json: jsonOrNull(data) });
    }
    if (path === '/ip') return sendJson(res, 200, { origin: clientIp(req) });
    if (path === '/user-agent') return sendJson(res, 200, { 'user-agent': req.headers['user-agent'] ?? '' });
    if (path === '/hostname') return sendJson(res, 200, { hostname: 'go-httpbin' });
    const status = /^\/status\/([^/]+)$/.exec(path);
    if (status) {
      const code = Number(status[1]);
      if (!/^\d+$/.test(status[1]) || code < 100 || code > 599) {
        return sendError(res, 400, 'Bad Request', `invalid status code: "${status[1]}"`);
      }
      res.writeHead(code, { 'Content-Type': TEXT_TYPE });
      return void res.end();
    }
    send(res, 404, TEXT_TYPE, '404 page not found\n');
  };

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    // Logged as soon as the handler has answered (before the client can read the response).
    const logRequest = () => log(requestLogLine(req, res, Number(process.hrtime.bigint() - started) / 1e6));
    handle(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent) sendError(res, 500, 'Internal Server Error', String(error));
        else res.destroy();
      })
      .finally(logRequest);
  });
  const backend = await listenOnLoopback(server, logs);
  log(`time=${new Date().toISOString()} level=INFO msg="go-httpbin listening on http://0.0.0.0:8080"`);
  return backend;
}

function sendMethodNotAllowed(res: ServerResponse, allow: string): void {
  res.writeHead(405, { Allow: allow, 'Content-Type': TEXT_TYPE });
  res.end('Method Not Allowed\n');
}
