import type { RunOptions } from '../config/options.ts';
import type { Profile } from '../profiles/types.ts';
import { createSimProvider } from './sim/provider.ts';
import type { Provider, ProviderUse } from './types.ts';

/**
 * How long the sim's stand-in for MetalLB takes to give a Gateway its address: long enough that a
 * run's wait for it sees the Gateway without one first and is woken by the watch, as on a real
 * cluster; short enough not to weigh on a sim run of a few seconds.
 */
const SIM_ADDRESS_DELAY_MS = 100;

/** The provider a run asked for. kind is loaded lazily: sim runs never touch Docker code. */
export async function createProvider(options: RunOptions, profile: Profile, use: ProviderUse = {}): Promise<Provider> {
  switch (options.provider) {
    case 'sim':
      return createSimProvider(profile, {
        kubeconfig: options.kubeconfig,
        addressDelayMs: SIM_ADDRESS_DELAY_MS,
        faults: options.simFaults,
        seed: options.simSeed,
      });
    case 'kind': {
      const { createKindProvider } = await import('./kind/provider.ts');
      return createKindProvider(options, profile);
    }
    case 'existing': {
      const { createExistingProvider } = await import('./existing.ts');
      return createExistingProvider(options, profile, use);
    }
  }
}
