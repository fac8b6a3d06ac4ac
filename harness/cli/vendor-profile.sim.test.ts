import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { kindgateBin } from '../package-paths.ts';
import { removeTempDirs, tempDir } from './temp-dirs.test-helper.ts';

/** `kindgate test` as a vendor runs it: the real CLI with a profile defined in the config file. */
const bin = kindgateBin;

function vendorConfig(profile: Record<string, unknown>): { config: string; reports: string } {
  const dir = tempDir('kg-vendor-');
  const config = join(dir, 'kindgate.yaml');
  writeFileSync(
    config,
    stringify({
      profile: {
        name: 'acme',
        gatewayClassName: 'acme',
        controllerName: 'example.com/acme',
        supportedFeatures: ['HTTPRouteQueryParamMatching'],
        implementation: {
          organization: 'example',
          project: 'acme-gateway',
          url: 'https://example.com/acme',
          version: 'v1.2.3',
          contact: ['@example/gateway'],
        },
        ...profile,
      },
    }),
  );
  return { config, reports: join(dir, 'reports') };
}

const kindgate = (args: string[]) =>
  execa('node', [bin, ...args], {
    reject: false,
    cwd: tempDir('kg-cwd-'),
    env: { NO_COLOR: '1' },
    timeout: 120_000,
  });

afterAll(removeTempDirs);

describe.concurrent('kindgate test --provider sim with a vendor profile from --config', () => {
  it('passes with the profile class and controller names, and reports the vendor as the implementation', async () => {
    const { config, reports } = vendorConfig({});
    const run = await kindgate(['test', '--provider', 'sim', '--config', config, '--report-dir', reports]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/expects a server header matching/);
    const report = parseYaml(readFileSync(join(reports, 'conformance-report.yaml'), 'utf8'));
    expect(report.implementation).toEqual({
      organization: 'example',
      project: 'acme-gateway',
      url: 'https://example.com/acme',
      version: 'v1.2.3',
      contact: ['@example/gateway'],
    });
    const profile = report.profiles[0];
    expect(profile.core.result).toBe('success');
    expect(profile.core.failedTests).toBeUndefined();
    expect(profile.core.statistics.Passed).toBeGreaterThan(0);
    expect(profile.summary).toMatch(/profile acme/);
    expect(profile.extended.supportedFeatures).toEqual(['HTTPRouteQueryParamMatching']);
  });

  it("warns, and fails the server-header test, when the profile's serverHeader cannot match the sim's envoy", async () => {
    const { config, reports } = vendorConfig({ serverHeader: '^acme-proxy$' });
    const run = await kindgate([
      'test',
      '--provider',
      'sim',
      '--config',
      config,
      '--report-dir',
      reports,
      '--consistency-window',
      '2',
      '--suites',
      'routing',
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      /profile acme expects a server header matching \/\^acme-proxy\$\/, but the sim's data plane answers "envoy": the server-header test will fail on the sim/,
    );
    const core = parseYaml(readFileSync(join(reports, 'conformance-report.yaml'), 'utf8')).profiles[0].core;
    expect(core.failedTests).toEqual(['serverHeader']);
  });
});
