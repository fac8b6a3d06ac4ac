import { afterAll, describe, expect, it } from 'vitest';
import { createKindLikeNetwork, docker, leftovers, runId, skipReason } from '../dockertest/setup.ts';
import { runCommand } from '../exec.ts';
import { networkInspectCommand } from './engine.ts';
import { poolFromInspect } from './pool.ts';

const network = `kindgate-test-${runId}-pool`;

describe.skipIf(Boolean(skipReason))(`MetalLB pool from a real dual-stack docker network${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`, () => {
  afterAll(async () => {
    await docker('network', 'rm', network).catch(() => undefined);
    expect((await leftovers()).networks).toEqual([]);
  });

  it('picks the top of the IPv4 subnet of a network created like kind creates `kind`', async () => {
    await createKindLikeNetwork(network, `fc00:${runId.slice(0, 4)}:${runId.slice(4, 8)}:e793::/64`);
    const inspect = await runCommand(networkInspectCommand('docker', network));
    const configs = (JSON.parse(inspect.stdout) as { IPAM: { Config: { Subnet: string }[] } }[])[0].IPAM.Config.map((c) => c.Subnet);
    expect(configs.some((s) => s.includes(':'))).toBe(true);
    const ipv4 = configs.find((s) => !s.includes(':'))!;
    const pool = poolFromInspect('docker', inspect.stdout, network);
    expect(pool.subnet).toBe(ipv4);
    // The pool lies inside the subnet and at its top: same leading octets, last octets .200-.250 for a /16 or /24.
    const [a, b] = ipv4.split('.');
    expect(pool.first.startsWith(`${a}.${b}.`)).toBe(true);
    expect(pool.range).toMatch(/\.200-.*\.250$/);
  });
});
