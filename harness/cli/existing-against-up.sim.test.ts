import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { alive } from '../child-process.test-helper.ts';
import { privilegedPortsBindable } from '../providers/sim/privileged-ports.test-helper.ts';
import { kindgateBin } from '../package-paths.ts';
import { removeTempDirs, tempDir } from './temp-dirs.test-helper.ts';
import { startUp } from './up-child.test-helper.ts';

/** Whether anything accepts a TCP connection at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Processes whose command line mentions `text` (ps -eo args), this test's own excepted. */
async function processesMentioning(text: string): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,args=']);
  return stdout
    .split('\n')
    .filter((line) => line.includes(text) && !line.includes('ps -eo'))
    .map((line) => line.trim());
}

/** Resolves when `text` shows up on the child's stderr. */
function stderrShows(child: ReturnType<typeof execa>, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) resolve();
    });
  });
}

/** The real CLI, as a user runs it: a child process of `scripts/kindgate.js`. */
const kindgate = (args: string[]) =>
  execa('node', [kindgateBin, ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 120_000 });
const readReport = (dir: string) => parseYaml(readFileSync(join(dir, 'conformance-report.yaml'), 'utf8'));

/**
 * The natural local loop, and how any outside tool sees the sim: one `kindgate up --provider sim`
 * in a process of its own, and against it one `kindgate test --provider existing` after another,
 * reaching the Gateways only at their status address and listener port; then `up` ends. The tests
 * below are its steps, in order, against the one `up`.
 */
describe('kindgate test --provider existing against kindgate up --provider sim', { timeout: 120_000 }, () => {
  // The fixtures' port 80 where this user may bind it (CI runs as root); otherwise 8080, so the
  // loop is still proven (on port 80 the sim would rightly report the listener PortUnavailable).
  const portArgs = privilegedPortsBindable ? [] : ['--listener-port', '8080'];
  let up: Awaited<ReturnType<typeof startUp>>;
  /** The report directories of the runs against it: no process may mention them at the end. */
  const reportDirs: string[] = [];
  const reportDir = () => {
    reportDirs.push(tempDir('kg-reports-'));
    return reportDirs.at(-1)!;
  };

  beforeAll(async () => {
    up = await startUp(portArgs);
  }, 120_000);

  afterAll(async () => {
    // Only when a step failed before the last one ended it.
    if (up?.child.exitCode === null) {
      up.child.kill('SIGINT');
      await up.child;
    }
    removeTempDirs();
  });

  it('up serves the fixtures until interrupted: kubeconfig and gateway URL on stdout, v2 by header', async () => {
    const { kubeconfig, lines } = up;
    expect(lines.KUBECONFIG).toBe(kubeconfig);
    expect(existsSync(kubeconfig)).toBe(true);
    expect(new URL(lines.GATEWAY_URL).hostname).toMatch(/^127\./);
    const res = await request(`${lines.GATEWAY_URL}/env`, {
      headers: { host: 'httpbin.example.com', 'x-version': 'v2' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers.server).toBe('istio-envoy');
    expect(await res.body.json()).toEqual({ env: { HTTPBIN_ENV_VERSION: 'v2' } });
  });

  it('a cluster kindgate did not create (as the existing provider sees it) is refused without --allow-existing, and nothing is created in it', async () => {
    const before = await up.namespaces();
    const refused = await kindgate(['test', '--provider', 'existing', '--kubeconfig', up.kubeconfig]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(
      /kindgate did not create context "kindgate-sim" and will not create or delete anything in it; pass --allow-existing/,
    );
    expect(await up.namespaces()).toEqual(before);
  });

  it('with --allow-existing a subset runs there, in namespaces of its own, and removes only those (a namespace it was given stays)', async () => {
    const before = await up.namespaces();
    const subsetReports = reportDir();
    const allowed = await kindgate([
      'test',
      '--provider',
      'existing',
      '--kubeconfig',
      up.kubeconfig,
      '--allow-existing',
      '--gateway-namespace',
      'default',
      '--suites',
      'gateway,httproute',
      '--report-dir',
      subsetReports,
      ...portArgs,
    ]);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    // A subset run is not a full success: the suites left out count as skipped.
    expect(readReport(subsetReports).profiles[0].core).toMatchObject({
      result: 'partial',
      statistics: { Passed: 4, Skipped: 15, Failed: 0 },
    });
    expect(await up.namespaces()).toEqual(before);
  });

  it('passes every kindgate suite', async () => {
    const reports = reportDir();
    const run = await kindgate([
      'test',
      '--provider',
      'existing',
      '--kubeconfig',
      up.kubeconfig,
      '--allow-existing',
      '--report-dir',
      reports,
      ...portArgs,
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^total +19 +0 +0$/m);
    expect(readReport(reports).profiles[0].core).toMatchObject({
      result: 'success',
      statistics: { Failed: 0, Skipped: 0 },
    });
  });

  it('Ctrl-C while the suites run tears down before exiting 130: the run leaves nothing in the cluster', async () => {
    const before = await up.namespaces();
    // The backends' image is one the sim runs no stand-in for, so their Service has no endpoints
    // and the routing suite keeps waiting for a 200: the run is reliably inside the suites when
    // interrupted.
    const run = execa(
      'node',
      [
        kindgateBin,
        'test',
        '--provider',
        'existing',
        '--kubeconfig',
        up.kubeconfig,
        '--allow-existing',
        '--suites',
        'routing',
        '--httpbin-image',
        'registry.invalid/no-stand-in:1',
        '--report-dir',
        reportDir(),
      ],
      { reject: false, env: { NO_COLOR: '1' } },
    );
    await stderrShows(run, 'gateway endpoints resolved');
    await new Promise((r) => setTimeout(r, 2500)); // vitest is up and the suite is waiting
    expect(await up.namespaces()).not.toEqual(before);
    run.kill('SIGINT');
    const done = await run;
    expect(done.exitCode).toBe(130);
    expect(done.stderr).toMatch(/SIGINT received: tearing down[\s\S]*✓ teardown done/);
    expect(await up.namespaces()).toEqual(before);
  });

  it('then up ends on SIGINT: exit 130 after its teardown, and neither process leaves anything running or listening', async () => {
    const gatewayUrl = new URL(up.lines.GATEWAY_URL);
    up.child.kill('SIGINT');
    const done = await up.child;
    expect(done.exitCode).toBe(130);
    expect(done.stderr).toMatch(/✓ teardown done/);
    expect(existsSync(up.kubeconfig)).toBe(false);
    expect(alive(up.child.pid!)).toBe(false);
    expect(await accepts(gatewayUrl.hostname, Number(gatewayUrl.port || 80))).toBe(false);
    expect(await processesMentioning(up.kubeconfig)).toEqual([]);
    for (const reports of reportDirs) expect(await processesMentioning(reports)).toEqual([]);
  });
});
