import { describe, expect, it } from 'vitest';
import { parseRunOptions } from '../config/parse.ts';
import { pins } from '../pins.ts';
import { istioProfile } from '../profiles/istio.ts';
import type { HostGoProxy } from './go-proxy.ts';
import { parseConformanceOptions } from './options.ts';
import { pinLines, planConformance } from './plan.ts';

const mirror: HostGoProxy = {
  list: 'https://goproxy.example.test,direct',
  from: 'GOPROXY',
  base: 'https://goproxy.example.test',
};

function plan(goProxy: HostGoProxy | undefined) {
  const options = parseRunOptions('conformance', ['--provider', 'sim', '--cache-dir', '/c']);
  const conformance = parseConformanceOptions({}, options, istioProfile);
  return planConformance(options, conformance, istioProfile, {
    stagingDir: '/s',
    kubeconfig: '/k',
    containerName: 'runner',
    goProxy,
  });
}

describe('the pins of a conformance run (README Reproduce section)', () => {
  it('name every archive by its Go module proxy path and sha256, and go.sum’s hashes; never a proxy host', () => {
    for (const goProxy of [mirror, undefined]) {
      const lines = pinLines(plan(goProxy));
      expect(lines).toContain(
        'sigs.k8s.io/gateway-api/conformance/@v/v1.6.1.zip (Go module proxy path) sha256 bdbe29c20c816a97e8aa93c728f48c1f6e732a03c56d18c373f2c3672108dfc4',
      );
      expect(lines.filter((l) => l.includes('(Go module proxy path) sha256 '))).toHaveLength(4);
      for (const m of pins.conformance.modules) expect(lines).toContain(`${m.path} ${m.version} ${m.h1} (go.sum)`);
      expect(lines.join('\n')).not.toContain('goproxy.example.test');
    }
  });

  it('the local runner gets the file proxy first and this machine’s list; none when nothing was learned', () => {
    const host = plan(mirror).runner;
    const none = plan(undefined).runner;
    if (host.kind !== 'local' || none.kind !== 'local') throw new Error('sim runs the local runner');
    expect(host.build.env?.GOPROXY).toBe(
      'file:///c/conformance/gateway-api-v1.6.1/goproxy,https://goproxy.example.test,direct',
    );
    expect(host.build.env?.GOFLAGS).toBe('-mod=readonly -modcacherw');
    expect(none.build.env).not.toHaveProperty('GOPROXY');
    expect(none.build.env?.GOFLAGS).toBe('-mod=readonly -modcacherw');
    // `go env` for the test binary's key sees the settings the build gets.
    expect(host.goEnv.env).toEqual(host.build.env);
  });

  it('the local runner builds the test binary into the cache per key and runs it with the flags go test -v gives it', () => {
    const runner = plan(mirror).runner;
    if (runner.kind !== 'local') throw new Error('sim runs the local runner');
    const binary = '/c/conformance/gateway-api-v1.6.1/bin/<key>/conformance.test';
    expect(runner.build.args).toEqual([
      'test',
      '-C',
      '/c/conformance/gateway-api-v1.6.1/module',
      '-c',
      '-o',
      binary,
      '-ldflags=-s -w',
      '.',
    ]);
    expect(runner.run.file).toBe(binary);
    expect(runner.run.args.slice(0, 5)).toEqual([
      '-test.paniconexit0',
      '-test.v=true',
      '-test.count=1',
      '-test.timeout=3h0m0s',
      '-test.run=^TestConformance$',
    ]);
    expect(runner.run.args).toContain('--report-output=/s/report.yaml');
    expect(runner.cwd).toBe('/c/conformance/gateway-api-v1.6.1/module');
    // The binary needs no Go settings: only the cluster.
    expect(runner.run.env).toEqual({ KUBECONFIG: '/k' });
  });
});
