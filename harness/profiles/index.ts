import { UsageError } from '../errors.ts';
import { istioProfile } from './istio.ts';
import type { Profile } from './types.ts';

const builtin: Record<string, Profile> = { istio: istioProfile };

export function getProfile(name: string): Profile {
  const profile = builtin[name];
  if (!profile) throw new UsageError(`Unknown profile "${name}"; built-in profiles are: ${Object.keys(builtin).join(', ')}.`);
  return profile;
}
