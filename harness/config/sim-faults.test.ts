import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { parseRunOptions } from './parse.ts';
import { describeSimFaults, parseSimFaults } from './sim-faults.ts';

describe('--sim-faults', () => {
  it('reads every fault, in any order, and says them back in its own words', () => {
    const faults = parseSimFaults('watch-drop=2, api-errors=0.1,dataplane-503=3,api-latency=25');
    expect(faults).toEqual({ apiErrorRate: 0.1, watchDropMs: 2000, dataplane503: 3, apiLatencyMs: 25 });
    expect(describeSimFaults(faults)).toBe('api-errors=0.1,api-latency=25,watch-drop=2,dataplane-503=3');
    expect(parseSimFaults('watch-drop=0.5')).toEqual({ watchDropMs: 500 });
  });

  it.each([
    ['', /--sim-faults is empty/],
    ['api-erors=0.1', /unknown fault "api-erors"; use api-errors=…, api-latency=…, watch-drop=…, dataplane-503=…/],
    ['api-errors=1', /api-errors must be a fraction from 0 to below 1 \(0\.1 = one request in ten\), got "1"/],
    ['api-errors', /api-errors must be a fraction .*, got ""/],
    ['api-errors=abc', /got "abc"/],
    ['api-latency=1.5', /api-latency must be milliseconds, a whole number from 0 to 10000/],
    ['watch-drop=0', /watch-drop must be seconds, above 0 and at most 3600, got "0"/],
    ['dataplane-503=-1', /dataplane-503 must be a whole number of requests from 0 to 1000, got "-1"/],
  ])('refuses %j with one sentence naming the fault', (list, message) => {
    expect(() => parseSimFaults(list)).toThrow(UsageError);
    expect(() => parseSimFaults(list)).toThrow(message);
  });

  it('names where the list came from (a config file)', () => {
    expect(() => parseSimFaults('bogus=1', 'kg.yaml: simFaults')).toThrow(/^kg\.yaml: simFaults has an unknown fault/);
  });
});

describe('--sim-faults and --sim-seed among the run options', () => {
  it('reach the options for --provider sim, from flags or the config file (flags win)', () => {
    const flags = ['--provider', 'sim', '--sim-faults', 'api-errors=0.1', '--sim-seed', '7'];
    expect(parseRunOptions('test', flags)).toMatchObject({ simFaults: { apiErrorRate: 0.1 }, simSeed: 7 });
    const config = join(mkdtempSync(join(tmpdir(), 'kg-faults-config-')), 'kindgate.yaml');
    writeFileSync(config, 'provider: sim\nsimFaults: watch-drop=2,dataplane-503=3\nsimSeed: 9\n');
    expect(parseRunOptions('up', ['--config', config])).toMatchObject({
      simFaults: { watchDropMs: 2000, dataplane503: 3 },
      simSeed: 9,
    });
    expect(parseRunOptions('up', ['--config', config, '--sim-seed', '10']).simSeed).toBe(10);
    expect(parseRunOptions('test', ['--provider', 'sim'])).not.toHaveProperty('simFaults');
  });

  it.each([
    [['--provider', 'kind', '--sim-faults', 'api-errors=0.1'], /--sim-faults applies to --provider sim, not kind/],
    [['--provider', 'existing', '--kubeconfig', '/x', '--sim-seed', '3'], /--sim-seed applies to --provider sim/],
    [['--provider', 'sim', '--sim-seed', '1.5'], /--sim-seed must be a whole number from 1 to 4294967295, got 1.5/],
    [['--provider', 'sim', '--sim-faults', 'watch-drop=x'], /--sim-faults: watch-drop must be seconds/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseRunOptions('test', argv)).toThrow(message);
  });
});
