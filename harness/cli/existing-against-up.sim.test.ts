import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { alive } from '../child-process.test-helper.ts';
import { privilegedPortsBindable } from '../providers/sim/privileged-ports.test-helper.ts';
import { kindgateBin } from '../package-paths.ts';
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

/**
 * The natural local loop, and how any outside tool sees the sim: `kindgate up --provider sim` in
 * one process, `kindgate test --provider existing` in another, reaching the Gateways only at
 * their status address and listener port.
 */
describe('kindgate test --provider existing against kindgate up --provider sim', () => {
  it('passes every kindgate suite, then both processes end and leave nothing running', async () => {
    // The fixtures' port 80 where this user may bind it (CI runs as root); otherwise 8080, so the
    // loop is still proven (on port 80 the sim would rightly report the listener PortUnavailable).
    const portArgs = privilegedPortsBindable ? [] : ['--listener-port', '8080'];
    const up = await startUp(portArgs);
    const gatewayUrl = new URL(up.lines.GATEWAY_URL);
    expect(gatewayUrl.hostname).toMatch(/^127\./);
    const reports = mkdtempSync(join(tmpdir(), 'kg-reports-'));
    const run = await execa(
      'node',
      [
        kindgateBin,
        'test',
        '--provider',
        'existing',
        '--kubeconfig',
        up.kubeconfig,
        '--allow-existing',
        '--report-dir',
        reports,
        ...portArgs,
      ],
      { reject: false, env: { NO_COLOR: '1' }, timeout: 120_000 },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^total +19 +0 +0$/m);
    const report = parseYaml(readFileSync(join(reports, 'conformance-report.yaml'), 'utf8'));
    expect(report.profiles[0].core).toMatchObject({ result: 'success', statistics: { Failed: 0, Skipped: 0 } });

    up.child.kill('SIGINT');
    const done = await up.child;
    expect(done.exitCode).toBe(130);
    expect(done.stderr).toMatch(/✓ teardown done/);
    expect(existsSync(up.kubeconfig)).toBe(false);
    expect(alive(up.child.pid!)).toBe(false);
    expect(await accepts(gatewayUrl.hostname, Number(gatewayUrl.port || 80))).toBe(false);
    expect(await processesMentioning(up.kubeconfig)).toEqual([]);
    expect(await processesMentioning(reports)).toEqual([]);
  });
});
