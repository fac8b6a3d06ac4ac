import { afterAll, describe, expect, it } from 'vitest';
import { createKindLikeNetwork, docker, leftovers, runId, skipReason } from './dockertest/setup.ts';
import { runCommand } from '../../exec.ts';
import { networkInspectCommand } from './engine.ts';
import { poolFromInspect } from './pool.ts';

const network = `kindgate-test-${runId}-pool`;

describe.skipIf(Boolean(skipReason))(
  `MetalLB pool from a real dual-stack docker network${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    afterAll(async () => {
      await docker('network', 'rm', network).catch(() => undefined);
      expect((await leftovers()).networks).toEqual([]);
    });

    it('picks the top of the IPv4 subnet of a network created like kind creates `kind`', async () => {
      await createKindLikeNetwork(network, `fc00:${runId.slice(0, 4)}:${runId.slice(4, 8)}:e793::/64`);
      const inspect = await runCommand(networkInspectCommand('docker', network));
      const configs = (JSON.parse(inspect.stdout) as { IPAM: { Config: { Subnet: string }[] } }[])[0].IPAM.Config.map(
        (c) => c.Subnet,
      );
      expect(configs.some((s) => s.includes(':'))).toBe(true);
      const ipv4 = configs.find((s) => !s.includes(':'))!;
      const pool = poolFromInspect('docker', inspect.stdout, 'kindgate-t1', network);
      expect(pool.subnet).toBe(ipv4);
      // The pool lies inside the subnet, in the .200-.250 area of one of its top /24s (this cluster's slice).
      const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
      const [base, bits] = ipv4.split('/');
      const start = toInt(base);
      const end = start + 2 ** (32 - Number(bits)) - 1;
      expect(toInt(pool.first)).toBeGreaterThan(start);
      expect(toInt(pool.last)).toBeLessThan(end);
      expect(toInt(pool.first) % 256).toBeGreaterThanOrEqual(200);
      expect(toInt(pool.last) % 256).toBeLessThanOrEqual(250);
      expect(pool.size).toBeGreaterThanOrEqual(Number(bits) <= 20 ? 51 : 8);
    });
  },
);
