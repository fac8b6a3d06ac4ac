// Prints how fast kindgate is where a developer feels it: CLI start-up, a whole
// `kindgate test --provider sim` run, provisioning, and the Kubernetes and HTTP round trips the
// suites make. Figures only, no thresholds: compare them across changes.
//   npm run bench [-- --runs N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Session } from '../harness/run/session.ts';
import { parseRunOptions } from '../harness/config/parse.ts';
import { createMemoryLogger } from '../harness/log.ts';
import { sendRequest } from '../harness/probe/http.ts';
import { getProfile } from '../harness/profiles/index.ts';
import { kindgateBin } from '../harness/package-paths.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Math.max(1, Number(values.runs));
const bin = kindgateBin;

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(1)} ms  p95 ${at(0.95).toFixed(1)} ms  min ${sorted[0].toFixed(1)} ms  (n=${ms.length})`;
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

const rows: [string, string][] = [];

const startup: number[] = [];
for (let i = 0; i < runs * 2; i++)
  startup.push((await time(() => execFileSync('node', [bin, '--help'], { stdio: 'pipe' })))[0]);
rows.push(['CLI start-up (kindgate --help)', stats(startup)]);

const whole: number[] = [];
for (let i = 0; i < runs; i++) {
  const reports = mkdtempSync(join(tmpdir(), 'kg-bench-'));
  whole.push(
    (
      await time(() =>
        execFileSync('node', [bin, 'test', '--provider', 'sim', '--report-dir', reports], {
          stdio: 'pipe',
          env: { ...process.env, NO_COLOR: '1' },
        }),
      )
    )[0],
  );
}
rows.push(['kindgate test --provider sim (whole run)', stats(whole)]);

const provisionMs: number[] = [];
const getMs: number[] = [];
const httpMs: number[] = [];
for (let i = 0; i < runs; i++) {
  const options = parseRunOptions('test', ['--provider', 'sim']);
  const session = await Session.create(options, getProfile(options.profile), createMemoryLogger());
  const [ms, provisioned] = await time(() => session.provision());
  provisionMs.push(ms);
  const { kube, handle } = provisioned;
  const gw = handle.gateways[0];
  for (let j = 0; j < 200; j++) {
    getMs.push(
      (
        await time(() =>
          kube.get({
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'Gateway',
            namespace: gw.namespace,
            name: gw.name,
          }),
        )
      )[0],
    );
  }
  const endpoint = handle.endpoints[`${gw.namespace}/${gw.name}/${gw.listeners[0]}`];
  if (!endpoint || 'error' in endpoint) throw new Error('no endpoint');
  for (let j = 0; j < 200; j++) {
    httpMs.push(
      (
        await time(() => sendRequest({ endpoint, path: '/env', host: handle.hostname, headers: { 'x-version': 'v2' } }))
      )[0],
    );
  }
  await session.teardown();
}
rows.push(['sim provision (start, apply fixtures, backends, endpoints)', stats(provisionMs)]);
rows.push(['Kube.get of a Gateway (sim API server)', stats(getMs)]);
rows.push(['GET /env through the sim data plane', stats(httpMs)]);

const width = Math.max(...rows.map(([k]) => k.length));
console.log(`kindgate bench (node ${process.version}, ${runs} run(s))`);
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
