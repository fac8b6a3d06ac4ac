import { httpbinBackend } from '../harness/probe/backend.ts';
import { all, expectJsonPath, expectStatus, fromBackends, oneOf, type Check } from '../harness/probe/checks.ts';

/**
 * What the fixtures' httpbin backends answer (go-httpbin): /env lists only HTTPBIN_ENV_*
 * variables, and the fixtures set HTTPBIN_ENV_VERSION to each Deployment's version.
 */
export const ENV_VERSION = 'env.HTTPBIN_ENV_VERSION';

/** A 200 from /env of one of `versions` (v1, v2); an answer from another version is the wrong backend. */
export function servedBy(...versions: string[]): Check {
  const version = expectJsonPath(ENV_VERSION, versions.length === 1 ? versions[0] : oneOf(...versions));
  return fromBackends(all(expectStatus(200), version), versions.map(httpbinBackend));
}
