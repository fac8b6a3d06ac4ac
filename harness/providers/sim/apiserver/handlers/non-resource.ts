import { notFoundPath } from '../api-error.ts';
import type { PathRequest } from '../request.ts';
import { sendJson, sendText } from '../responses.ts';

/** The non-resource endpoints: health probes, /version and the OpenAPI document. */

/** What /version reports: the Kubernetes release of the pinned kind node image. */
export const SIM_VERSION = { major: '1', minor: '36', gitVersion: 'v1.36.4+kindgate-sim' };

/** /healthz, /readyz, /livez and their per-check paths: always ok. */
export function serveHealth(r: PathRequest): void {
  sendText(r.res, 200, 'ok');
}

export function serveVersion(r: PathRequest): void {
  sendJson(r.res, 200, {
    ...SIM_VERSION,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: '',
    compiler: 'gc',
    platform: `${process.platform}/${process.arch}`,
  });
}

/** /openapi/v2 only, and empty: no schemas to validate against. */
export function serveOpenApi(r: PathRequest): void {
  if (r.path !== '/openapi/v2') throw notFoundPath();
  // kubectl's client-side validation downloads the v2 document as protobuf; an empty document
  // (swagger "2.0", no definitions) makes it skip schema checks rather than fail.
  if ((r.req.headers.accept ?? '').includes('protobuf')) {
    r.res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' });
    r.res.end(Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]));
    return;
  }
  sendJson(r.res, 200, {
    swagger: '2.0',
    info: { title: 'kindgate-sim', version: SIM_VERSION.gitVersion },
    paths: {},
    definitions: {},
  });
}
