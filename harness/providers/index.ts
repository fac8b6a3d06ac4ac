import type { RunOptions } from '../config/options.ts';
import type { Profile } from '../profiles/types.ts';
import { createSimProvider } from './sim/provider.ts';
import type { Provider, ProviderUse } from './types.ts';

/** The provider a run asked for. kind is loaded lazily: sim runs never touch Docker code. */
export async function createProvider(options: RunOptions, profile: Profile, use: ProviderUse = {}): Promise<Provider> {
  switch (options.provider) {
    case 'sim':
      return createSimProvider(profile, {
        kubeconfig: options.kubeconfig,
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
