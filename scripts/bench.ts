// Prints how fast kindgate is where a developer feels it: CLI start-up per command, a whole
// `kindgate test --provider sim` run with its phase breakdown (from the run's timings.json),
// provisioning, the Kubernetes and HTTP round trips the suites make, and how soon a watch-based
// wait sees a condition beside a 100 ms polling loop. Figures only, no thresholds: compare them
// across changes, on the same machine and a similar load (the load average is printed).
// Last, one whole `npm test` (all vitest projects): wall, CPU and its slowest files.
//   npm run bench [-- --runs N] [-- --trials N] [-- --skip-tests]
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Session } from '../harness/run/session.ts';
import { parseRunOptions } from '../harness/config/parse.ts';
import { createMemoryLogger } from '../harness/log.ts';
import { sendRequest } from '../harness/probe/http.ts';
import { getProfile } from '../harness/profiles/index.ts';
import { kindgateBin } from '../harness/package-paths.ts';
import type { SimCluster } from '../harness/providers/sim/simulated-cluster.ts';
import { isCheck, timingsFileName, type TimingEntry } from '../harness/reports/timings.ts';
import { measureTestRun } from './test-run-cost.ts';
import { watchLatency } from './watch-latency.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    trials: { type: 'string', default: '200' },
    'skip-tests': { type: 'boolean', default: false },
  },
});
const runs = Math.max(1, Number(values.runs));
const trials = Math.max(1, Number(values.trials));
const bin = kindgateBin;

function quantile(ms: number[], q: number): number {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return `median ${quantile(ms, 0.5).toFixed(1)} ms  p95 ${quantile(ms, 0.95).toFixed(1)} ms  min ${sorted[0].toFixed(1)} ms  (n=${ms.length})`;
}

const percentiles = (ms: number[]) =>
  `p50 ${quantile(ms, 0.5).toFixed(1)} ms  p95 ${quantile(ms, 0.95).toFixed(1)} ms  (n=${ms.length})`;

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

const rows: [string, string][] = [];
const loadAtStart = loadavg()[0];

// Start-up of commands that reach no cluster: each should pay only for what it uses (the exit code
// does not matter here; a refused flag and a missing engine are answers too). Beside the wall time,
// the process's own CPU time, which a loaded machine changes less: each child writes it to fd 3 as it exits.
const reportCpu = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); writeSync(3, String((u.user + u.system) / 1000)); });",
)}`;
const emptyCache = mkdtempSync(join(tmpdir(), 'kg-bench-cache-'));
const startupCommands: [string, string[], NodeJS.ProcessEnv?][] = [
  ['--help', ['--help']],
  ['test --bogus (a refused flag)', ['test', '--provider', 'sim', '--bogus']],
  ['down --all (nothing recorded)', ['down', '--all', '--cache-dir', emptyCache]],
  [
    'gc --dry-run (no engine)',
    ['gc', '--dry-run', '--cache-dir', emptyCache],
    { DOCKER_HOST: 'unix:///nonexistent.sock' },
  ],
  ['test --provider kind --dry-run (the plan)', ['test', '--provider', 'kind', '--dry-run', '--cache-dir', emptyCache]],
];
rows.push(['CLI start-up, commands that reach no cluster', '']);
for (const [label, args, env] of startupCommands) {
  const wall: number[] = [];
  const cpu: number[] = [];
  const options: SpawnSyncOptions = {
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...env },
  };
  for (let i = 0; i < runs * 2; i++) {
    const [ms, child] = await time(() => spawnSync('node', ['--import', reportCpu, bin, ...args], options));
    wall.push(ms);
    cpu.push(Number(String(child.output[3])));
  }
  rows.push([`  kindgate ${label}`, `${stats(wall)}  cpu median ${quantile(cpu, 0.5).toFixed(0)} ms`]);
}
rmSync(emptyCache, { recursive: true, force: true });

// Whole runs, each with the phases it wrote to timings.json.
const whole: number[] = [];
const phaseMs = new Map<string, number[]>();
for (let i = 0; i < runs; i++) {
  const reports = mkdtempSync(join(tmpdir(), 'kg-bench-'));
  const args = [bin, 'test', '--provider', 'sim', '--report-dir', reports];
  whole.push(
    (await time(() => execFileSync('node', args, { stdio: 'pipe', env: { ...process.env, NO_COLOR: '1' } })))[0],
  );
  const entries = JSON.parse(readFileSync(join(reports, timingsFileName), 'utf8')) as TimingEntry[];
  for (const e of entries.filter((entry) => !isCheck(entry)))
    phaseMs.set(e.phase, [...(phaseMs.get(e.phase) ?? []), e.durationMs]);
  rmSync(reports, { recursive: true, force: true });
}
rows.push(['kindgate test --provider sim (whole run)', stats(whole)]);
for (const [phase, ms] of phaseMs) rows.push([`  ${phase}`, `median ${quantile(ms, 0.5).toFixed(0)} ms`]);

const provisionMs: number[] = [];
const getMs: number[] = [];
const httpMs: number[] = [];
let latency: Awaited<ReturnType<typeof watchLatency>> | undefined;
for (let i = 0; i < runs; i++) {
  const options = parseRunOptions('test', ['--provider', 'sim']);
  const session = await Session.create(options, getProfile(options.profile), createMemoryLogger());
  const [ms, provisioned] = await time(() => session.provision());
  provisionMs.push(ms);
  const { kube, handle } = provisioned;
  const gw = handle.gateways[0];
  for (let j = 0; j < 200; j++) {
    const ref = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespace: gw.namespace, name: gw.name };
    getMs.push((await time(() => kube.get(ref)))[0]);
  }
  const endpoint = handle.endpoints[`${gw.namespace}/${gw.name}/${gw.listeners[0]}`];
  if (!endpoint || 'error' in endpoint) throw new Error('no endpoint');
  const v2 = { endpoint, path: '/env', host: handle.hostname, headers: { 'x-version': 'v2' } };
  for (let j = 0; j < 200; j++) httpMs.push((await time(() => sendRequest(v2)))[0]);
  if (i === 0) {
    const sim = (session.provider as unknown as { sim(): SimCluster }).sim();
    latency = await watchLatency(kube, sim.store, trials);
  }
  await session.teardown();
}
rows.push(['sim provision (start, apply fixtures, backends, endpoints)', stats(provisionMs)]);
rows.push(['Kube.get of a Gateway (sim API server)', stats(getMs)]);
rows.push(['GET /env through the sim data plane', stats(httpMs)]);
rows.push(['condition written → waitFor resolves (watch)', percentiles(latency!.watch)]);
rows.push(['condition written → a 100 ms polling loop sees it', percentiles(latency!.polling)]);

if (!values['skip-tests']) {
  const cost = measureTestRun(join(import.meta.dirname, '..'));
  const { passed, failed, skipped } = cost.tests;
  rows.push([
    'npm test (every vitest project, once)',
    `wall ${(cost.wallMs / 1000).toFixed(1)} s  CPU ${(cost.cpuMs / 1000).toFixed(1)} s  ` +
      `(${passed} passed, ${failed} failed, ${skipped} skipped; exit ${cost.exitCode})`,
  ]);
  for (const { file, ms } of cost.slowestFiles) rows.push([`  ${file}`, `${(ms / 1000).toFixed(1)} s`]);
}

const width = Math.max(...rows.map(([k]) => k.length));
const load = `load average ${loadAtStart.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`;
console.log(`kindgate bench (node ${process.version}, ${runs} run(s), ${load})`);
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
