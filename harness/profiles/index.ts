import { UsageError } from '../errors.ts';
import type { ProfileConfig } from './config.ts';
import { istioProfile } from './istio.ts';
import type { Profile } from './types.ts';

const builtin: Record<string, Profile> = { istio: istioProfile };

/** The one place a Profile comes from: a built-in name, or a vendor's profile from the config file. */
export function getProfile(spec: string | ProfileConfig): Profile {
  if (typeof spec !== 'string') return profileFromConfig(spec);
  const profile = builtin[spec];
  if (!profile)
    throw new UsageError(
      `Unknown profile "${spec}"; built-in profiles are: ${Object.keys(builtin).join(', ')} (define your own under profile: in a --config file).`,
    );
  return profile;
}

function profileFromConfig(config: ProfileConfig): Profile {
  const { install, serverHeader, file: _file, ...rest } = config;
  return {
    ...rest,
    serverHeader: new RegExp(serverHeader),
    install: install ? { type: 'vendor', ...install } : undefined,
  };
}
