import { describe, expect, it } from 'vitest';
import {
  clusterHash,
  ipv4Subnet,
  poolFromInspect,
  poolFromSubnet,
  poolSliceExample,
  subnetsFromDockerInspect,
  subnetsFromFormattedInspect,
  subnetsFromPodmanInspect,
} from './pool.ts';
import {
  engineFromEnv,
  engineInfoCommand,
  kindNetworkName,
  networkInspectCommand,
  NERDCTL_SUBNETS_FORMAT,
} from './engine.ts';

// sha256('kindgate-t1') starts with 2350157960: slice 8 of 16 (a /16), 2 of 6 (a /24); 'kg-27' has slice 0 of 16.
const NAME = 'kindgate-t1';
const dockerInspect = (configs: object[]) =>
  JSON.stringify([{ Name: 'kind', EnableIPv6: true, IPAM: { Driver: 'default', Options: {}, Config: configs } }]);

describe('pool choice from docker network inspect', () => {
  it('takes the IPv4 subnet when docker lists it first', () => {
    const json = dockerInspect([
      { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' },
      { Subnet: 'fc00:f853:ccd:e793::/64' },
    ]);
    expect(poolFromInspect('docker', json, NAME).range).toBe('172.18.247.200-172.18.247.250');
    expect(poolFromInspect('docker', json, 'kg-27').range).toBe('172.18.255.200-172.18.255.250');
  });

  it('takes the IPv4 subnet when docker lists IPv6 first', () => {
    const json = dockerInspect([
      { Subnet: 'fc00:f853:ccd:e793::/64', Gateway: 'fc00:f853:ccd:e793::1' },
      { Subnet: '172.19.0.0/16', Gateway: '172.19.0.1' },
    ]);
    expect(poolFromInspect('docker', json, NAME)).toMatchObject({
      subnet: '172.19.0.0/16',
      range: '172.19.247.200-172.19.247.250',
      size: 51,
      slice: 8,
      slices: 16,
    });
  });

  it('reads IPAM.Config null (network without IPAM config) as no subnets', () => {
    expect(subnetsFromDockerInspect(JSON.stringify([{ IPAM: { Config: null } }]))).toEqual([]);
  });

  it('fails with one sentence naming the network when there is no IPv4 subnet', () => {
    expect(() => poolFromInspect('docker', dockerInspect([{ Subnet: 'fc00:f853:ccd:e793::/64' }]), NAME)).toThrow(
      /^Docker network kind has no IPv4 subnet \(it has fc00:f853:ccd:e793::\/64\).*docker network rm kind/,
    );
  });
});

describe('pool choice from podman network inspect', () => {
  it('reads podman 4+ (netavark) subnets, IPv6 first', () => {
    const json = JSON.stringify([
      {
        name: 'kind',
        driver: 'bridge',
        subnets: [
          { subnet: 'fc00:f853:ccd:e793::/64', gateway: 'fc00:f853:ccd:e793::1' },
          { subnet: '10.89.0.0/24', gateway: '10.89.0.1' },
        ],
        ipv6_enabled: true,
      },
    ]);
    expect(poolFromInspect('podman', json, NAME).range).toBe('10.89.0.216-10.89.0.223');
  });

  it('reads podman 3 / CNI ipam ranges', () => {
    const json = JSON.stringify([
      {
        cniVersion: '0.4.0',
        name: 'kind',
        plugins: [
          {
            type: 'bridge',
            ipam: {
              type: 'host-local',
              ranges: [[{ subnet: 'fc00:f853:ccd:e793::/64' }], [{ subnet: '10.89.1.0/24', gateway: '10.89.1.1' }]],
            },
          },
          { type: 'portmap' },
        ],
      },
    ]);
    expect(subnetsFromPodmanInspect(json)).toEqual(['fc00:f853:ccd:e793::/64', '10.89.1.0/24']);
    expect(poolFromInspect('podman', json, NAME).first).toBe('10.89.1.216');
  });
});

describe('pool choice from nerdctl network inspect', () => {
  it("reads kind's subnet query output (space-separated, IPv6 first) for nerdctl, finch and nerdctl.lima", () => {
    const output = 'fc00:f853:ccd:e793::/64 10.4.0.0/24 \n';
    expect(subnetsFromFormattedInspect(output)).toEqual(['fc00:f853:ccd:e793::/64', '10.4.0.0/24']);
    for (const engine of ['nerdctl', 'finch', 'nerdctl.lima'] as const) {
      expect(poolFromInspect(engine, output, NAME).range).toBe('10.4.0.216-10.4.0.223');
    }
  });
});

describe('pool slice by subnet size', () => {
  it.each([
    ['10.0.0.0/8', '10.255.247.200-10.255.247.250'],
    ['172.18.0.0/16', '172.18.247.200-172.18.247.250'],
    ['172.18.0.0/20', '172.18.7.200-172.18.7.250'],
    ['192.168.0.0/21', '192.168.3.200-192.168.3.224'],
    ['192.168.4.0/22', '192.168.5.200-192.168.5.211'],
    ['192.168.6.0/23', '192.168.6.216-192.168.6.223'],
    ['192.168.7.0/24', '192.168.7.216-192.168.7.223'],
    ['192.168.7.0/25', '192.168.7.95-192.168.7.126'],
    ['192.168.7.16/28', '192.168.7.27-192.168.7.30'],
    ['192.168.7.8/29', '192.168.7.13-192.168.7.14'],
  ])('%s → %s', (cidr, range) => {
    expect(poolFromSubnet(cidr, NAME).range).toBe(range);
  });

  it('normalises a subnet written with host bits set', () => {
    expect(poolFromSubnet('172.18.3.4/16', NAME).range).toBe('172.18.247.200-172.18.247.250');
  });

  it('refuses a /30 with a sentence that says what to do', () => {
    expect(() => poolFromSubnet('192.168.7.4/30', NAME)).toThrow(
      /too small .* recreate the network with a \/29 or larger/,
    );
  });

  it('never picks the broadcast address or the bottom of a small subnet', () => {
    const pool = poolFromSubnet('192.168.7.16/28', NAME);
    expect(pool.last).not.toBe('192.168.7.31');
    expect(pool.first).toBe('192.168.7.27');
  });
});

describe('one slice per cluster on the shared network', () => {
  const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const names = Array.from({ length: 400 }, (_, i) => `kindgate-${i}`);

  it.each([
    ['172.18.0.0/16', 16, 51],
    ['10.0.0.0/8', 16, 51],
    ['192.168.0.0/22', 16, 12],
    ['10.89.0.0/24', 6, 8],
  ])(
    '%s: %i disjoint slices of %i addresses inside the subnet, above the addresses containers get',
    (cidr, slices, width) => {
      const bySlice = new Map<number, { first: number; last: number }>();
      for (const name of names) {
        const pool = poolFromSubnet(cidr, name);
        expect(pool).toMatchObject({ slices, size: width, slice: clusterHash(name) % slices });
        bySlice.set(pool.slice, { first: toInt(pool.first), last: toInt(pool.last) });
        expect(poolFromSubnet(cidr, name).range).toBe(pool.range); // same name, same slice
      }
      expect(bySlice.size).toBe(slices);
      const sorted = [...bySlice.values()].sort((a, b) => a.first - b.first);
      sorted.forEach((s, i) => i > 0 && expect(s.first).toBeGreaterThan(sorted[i - 1].last));
      const [base, bits] = cidr.split('/');
      const broadcast = toInt(base) + 2 ** (32 - Number(bits)) - 1;
      for (const s of sorted) {
        expect(s.first % 256).toBeGreaterThanOrEqual(200);
        expect(s.last % 256).toBeLessThanOrEqual(250);
        expect(s.last).toBeLessThan(broadcast);
      }
    },
  );

  it('gives a kept cluster and a new run different pools when their names hash apart', () => {
    expect(poolFromSubnet('172.18.0.0/16', 'kindgate-a').range).toBe('172.18.242.200-172.18.242.250');
    expect(poolFromSubnet('172.18.0.0/16', 'kindgate-b').range).toBe('172.18.250.200-172.18.250.250');
  });

  it('writes the slice for the dry-run plan without a network', () => {
    expect(poolSliceExample(NAME, 16)).toBe('x.y.247.200-x.y.247.250');
    expect(poolSliceExample(NAME, 24)).toBe('x.y.z.216-x.y.z.223');
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

  it('drives nerdctl (and finch, nerdctl.lima) by that binary, on the fixed network kind, with kind’s own queries', () => {
    for (const value of ['nerdctl', 'finch', 'nerdctl.lima']) {
      const engine = engineFromEnv({ KIND_EXPERIMENTAL_PROVIDER: value });
      expect(engine).toBe(value);
      expect(kindNetworkName(engine, { KIND_EXPERIMENTAL_DOCKER_NETWORK: 'x' })).toBe('kind');
      expect(networkInspectCommand(engine, 'kind')).toMatchObject({
        file: value,
        args: ['network', 'inspect', '-f', NERDCTL_SUBNETS_FORMAT, 'kind'],
      });
      expect(engineInfoCommand(engine)).toMatchObject({ file: value, args: ['info', '--format', '{{json .}}'] });
    }
    expect(engineFromEnv({ KIND_EXPERIMENTAL_PROVIDER: 'containerd' })).toBe('docker');
    expect(networkInspectCommand('podman', 'kind').args).toEqual(['network', 'inspect', 'kind']);
  });

  it('ipv4Subnet ignores IPv6 entries regardless of order', () => {
    expect(ipv4Subnet(['fd00::/64', '10.1.0.0/16', '10.2.0.0/16'])).toBe('10.1.0.0/16');
  });
});
