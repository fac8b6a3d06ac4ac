import { describe, expect, it } from 'vitest';
import { ipv4Subnet, poolFromInspect, poolFromSubnet, subnetsFromDockerInspect, subnetsFromPodmanInspect } from './pool.ts';
import { engineFromEnv, kindNetworkName } from './engine.ts';

const dockerInspect = (configs: object[]) => JSON.stringify([{ Name: 'kind', EnableIPv6: true, IPAM: { Driver: 'default', Options: {}, Config: configs } }]);

describe('pool choice from docker network inspect', () => {
  it('takes the IPv4 subnet when docker lists it first', () => {
    const json = dockerInspect([{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }, { Subnet: 'fc00:f853:ccd:e793::/64' }]);
    expect(poolFromInspect('docker', json).range).toBe('172.18.255.200-172.18.255.250');
  });

  it('takes the IPv4 subnet when docker lists IPv6 first', () => {
    const json = dockerInspect([{ Subnet: 'fc00:f853:ccd:e793::/64', Gateway: 'fc00:f853:ccd:e793::1' }, { Subnet: '172.19.0.0/16', Gateway: '172.19.0.1' }]);
    expect(poolFromInspect('docker', json)).toMatchObject({ subnet: '172.19.0.0/16', range: '172.19.255.200-172.19.255.250', size: 51 });
  });

  it('reads IPAM.Config null (network without IPAM config) as no subnets', () => {
    expect(subnetsFromDockerInspect(JSON.stringify([{ IPAM: { Config: null } }]))).toEqual([]);
  });

  it('fails with one sentence naming the network when there is no IPv4 subnet', () => {
    expect(() => poolFromInspect('docker', dockerInspect([{ Subnet: 'fc00:f853:ccd:e793::/64' }]))).toThrow(
      /^Docker network kind has no IPv4 subnet \(it has fc00:f853:ccd:e793::\/64\).*docker network rm kind/,
    );
  });
});

describe('pool choice from podman network inspect', () => {
  it('reads podman 4+ (netavark) subnets, IPv6 first', () => {
    const json = JSON.stringify([{ name: 'kind', driver: 'bridge', subnets: [{ subnet: 'fc00:f853:ccd:e793::/64', gateway: 'fc00:f853:ccd:e793::1' }, { subnet: '10.89.0.0/24', gateway: '10.89.0.1' }], ipv6_enabled: true }]);
    expect(poolFromInspect('podman', json).range).toBe('10.89.0.200-10.89.0.250');
  });

  it('reads podman 3 / CNI ipam ranges', () => {
    const json = JSON.stringify([{ cniVersion: '0.4.0', name: 'kind', plugins: [{ type: 'bridge', ipam: { type: 'host-local', ranges: [[{ subnet: 'fc00:f853:ccd:e793::/64' }], [{ subnet: '10.89.1.0/24', gateway: '10.89.1.1' }]] } }, { type: 'portmap' }] }]);
    expect(subnetsFromPodmanInspect(json)).toEqual(['fc00:f853:ccd:e793::/64', '10.89.1.0/24']);
    expect(poolFromInspect('podman', json).first).toBe('10.89.1.200');
  });
});

describe('pool size by subnet size', () => {
  it.each([
    ['10.0.0.0/8', '10.255.255.200-10.255.255.250'],
    ['172.18.0.0/16', '172.18.255.200-172.18.255.250'],
    ['192.168.7.0/24', '192.168.7.200-192.168.7.250'],
    ['192.168.7.0/25', '192.168.7.95-192.168.7.126'],
    ['192.168.7.16/28', '192.168.7.27-192.168.7.30'],
    ['192.168.7.8/29', '192.168.7.13-192.168.7.14'],
  ])('%s → %s', (cidr, range) => {
    expect(poolFromSubnet(cidr).range).toBe(range);
  });

  it('normalises a subnet written with host bits set', () => {
    expect(poolFromSubnet('172.18.3.4/16').range).toBe('172.18.255.200-172.18.255.250');
  });

  it('refuses a /30 with a sentence that says what to do', () => {
    expect(() => poolFromSubnet('192.168.7.4/30')).toThrow(/too small .* recreate the network with a \/29 or larger/);
  });

  it('never picks the broadcast address or the bottom of a small subnet', () => {
    const pool = poolFromSubnet('192.168.7.16/28');
    expect(pool.last).not.toBe('192.168.7.31');
    expect(pool.first).toBe('192.168.7.27');
  });
});

describe('engine and network name', () => {
  it('follows KIND_EXPERIMENTAL_PROVIDER and the network override variables', () => {
    expect(engineFromEnv({})).toBe('docker');
    expect(engineFromEnv({ KIND_EXPERIMENTAL_PROVIDER: 'podman' })).toBe('podman');
    expect(kindNetworkName('docker', {})).toBe('kind');
    expect(kindNetworkName('docker', { KIND_EXPERIMENTAL_DOCKER_NETWORK: 'kind-ci' })).toBe('kind-ci');
    expect(kindNetworkName('podman', { KIND_EXPERIMENTAL_DOCKER_NETWORK: 'x' })).toBe('kind');
  });

  it('ipv4Subnet ignores IPv6 entries regardless of order', () => {
    expect(ipv4Subnet(['fd00::/64', '10.1.0.0/16', '10.2.0.0/16'])).toBe('10.1.0.0/16');
  });
});
