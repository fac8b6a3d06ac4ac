import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/types.ts';
import { createMemoryLogger } from '../log.ts';
import { istioProfile } from '../profiles/istio.ts';
import type { Provider } from '../providers/types.ts';
import { PhaseRecorder } from '../timings.ts';
import { collectDiagnosticsStep } from './diagnostics-step.ts';
import type { DiagnosticsKube } from './diagnostics/types.ts';

const emptyCluster: DiagnosticsKube = {
  list: async () => [] as KubeObject[],
  get: async () => undefined,
  podLogs: async () => '',
  events: async () => [],
};

function provider(over: Partial<Provider> = {}): Provider {
  return {
    name: 'sim',
    clusterOutlivesRun: false,
    start: async () => undefined,
    stop: async () => undefined,
    kubeconfigPath: () => '/nonexistent/kubeconfig',
    endpoint: async () => ({ host: '127.0.0.1', port: 80 }),
    ...over,
  };
}

describe('the diagnostics step before a teardown', () => {
  it('collects the scope it is given with the run client, calls the provider, logs and times it as phase diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-diag-step-'));
    const phases = new PhaseRecorder();
    const log = createMemoryLogger(phases);
    const providerDirs: string[] = [];
    const scoped: DiagnosticsKube[] = [];
    const bundle = await collectDiagnosticsStep({
      provider: provider({ diagnose: async (d) => void providerDirs.push(d) }),
      kube: emptyCluster,
      dir,
      scope: async (kube) => {
        scoped.push(kube);
        return { namespaces: ['apps'], gateways: [{ namespace: 'gw', name: 'external-gateway' }] };
      },
      profile: istioProfile,
      failure: { setup: 'the Gateway never became Programmed' },
      log,
    });
    expect(bundle).toBe(join(dir, 'diagnostics'));
    expect(scoped).toEqual([emptyCluster]);
    expect(providerDirs).toEqual([join(dir, 'diagnostics', 'provider')]);
    expect(readdirSync(bundle!)).toContain('README.md');
    expect(log.lines.some((l) => l.startsWith(`✓ diagnostics collected in ${bundle} (`))).toBe(true);
    expect(phases.phases.map((p) => [p.phase, p.failed ?? false])).toEqual([['diagnostics', false]]);
  });

  it('a collection that cannot start is a warning and a failed phase, never an error', async () => {
    const phases = new PhaseRecorder();
    const log = createMemoryLogger(phases);
    const bundle = await collectDiagnosticsStep({
      provider: provider({
        kubeconfigPath: () => {
          throw new Error('sim provider not started');
        },
      }),
      dir: mkdtempSync(join(tmpdir(), 'kg-diag-step-')),
      scope: async () => ({ namespaces: [], gateways: [] }),
      profile: istioProfile,
      failure: {},
      log,
    });
    expect(bundle).toBeUndefined();
    expect(log.lines).toContain('! diagnostics could not be collected: sim provider not started');
    expect(phases.phases.map((p) => [p.phase, p.failed ?? false])).toEqual([['diagnostics', true]]);
  });
});
