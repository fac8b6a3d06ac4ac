import { randomBytes } from 'node:crypto';
import { runCommand } from '../../../exec.ts';
import { dockerTierUnavailable } from './images.ts';

// No reaper container: it would need a registry pull; the tier cleans up by label itself.
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

/** Evaluated once per test file; a missing engine is reported loudly, never passed silently. */
export const skipReason = await dockerTierUnavailable();
if (skipReason) {
  console.warn(`\n!!! kindgate docker test tier SKIPPED: ${skipReason}. These tests did not run.\n`);
}

export const runId = randomBytes(4).toString('hex');
export const TEST_LABEL = 'kindgate.test';

export async function docker(...args: string[]): Promise<string> {
  return (await runCommand({ file: 'docker', args, timeoutMs: 120_000 })).stdout.trim();
}

/** A dual-stack bridge network made the way kind makes `kind` (kind pkg/cluster/internal/providers/docker/network.go). */
export async function createKindLikeNetwork(name: string, ipv6Subnet: string): Promise<void> {
  await docker(
    'network',
    'create',
    '-d=bridge',
    '-o',
    'com.docker.network.bridge.enable_ip_masquerade=true',
    '--ipv6',
    '--subnet',
    ipv6Subnet,
    '--label',
    `${TEST_LABEL}=${runId}`,
    name,
  );
}

/** Containers and networks this run created that still exist. */
export async function leftovers(): Promise<{ containers: string[]; networks: string[] }> {
  const containers = (await docker('ps', '-aq', '--filter', `label=${TEST_LABEL}=${runId}`))
    .split('\n')
    .filter(Boolean);
  const networks = (await docker('network', 'ls', '-q', '--filter', `label=${TEST_LABEL}=${runId}`))
    .split('\n')
    .filter(Boolean);
  return { containers, networks };
}
