import { jsonPath } from '../../harness/probe/checks.ts';
import { sendRequest, type ProbeRequest, type ProbeResponse } from '../../harness/probe/http.ts';
import { ENV_VERSION } from '../httpbin.ts';

/** HTTPBIN_ENV_VERSION of an httpbin /env answer, or why there is none. */
function envVersion(res: ProbeResponse): { version?: string; problem?: string } {
  if (res.status !== 200) return { problem: `status ${res.status}` };
  try {
    const version = jsonPath(res.json(), ENV_VERSION);
    return typeof version === 'string' ? { version } : { problem: 'no HTTPBIN_ENV_VERSION in /env' };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** Send `n` requests one after another; count who answered ("v1", "v2", or "status 503"…). */
export async function sample(req: ProbeRequest, n: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const { version, problem } = envVersion(await sendRequest(req));
    const key = version ?? problem!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** "v1: 21, v2: 19" */
export function showCounts(counts: Map<string, number>): string {
  return [...counts].map(([k, n]) => `${k}: ${n}`).join(', ') || 'nothing';
}
