import { isIPv4 } from 'node:net';
import { SetupError } from '../errors.ts';

/**
 * MetalLB's IPv4 pool: a slice at the top of the IPv4 subnet of the `kind` network. Docker and
 * podman hand out container addresses from the bottom of a subnet, so the top is free.
 * The IPv4 entry is picked by address family, never by index: docker lists the IPv6 subnet first
 * on some hosts (kind creates the network dual-stack: `--ipv6 --subnet fc00:…/64`, IPv4 chosen by
 * the engine; kind pkg/cluster/internal/providers/docker/network.go).
 */
export interface Ipv4Pool {
  subnet: string;
  /** `172.18.255.200-172.18.255.250` (MetalLB's range syntax). */
  range: string;
  first: string;
  last: string;
  size: number;
}

/** `docker network inspect <net>` JSON: `[{ IPAM: { Config: [{ Subnet, Gateway }] } }]`. */
export function subnetsFromDockerInspect(json: string): string[] {
  const parsed = JSON.parse(json) as { IPAM?: { Config?: { Subnet?: string }[] | null } }[];
  return parsed.flatMap((net) => (net.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => Boolean(s)));
}

/**
 * `podman network inspect <net>` JSON. Podman 4+ (netavark): `[{ subnets: [{ subnet, gateway }] }]`;
 * podman 3 / CNI: `[{ plugins: [{ ipam: { ranges: [[{ subnet }]] } }] }]`. Same two shapes kind
 * itself reads (kind pkg/cluster/internal/providers/podman/provision.go, getSubnets).
 */
export function subnetsFromPodmanInspect(json: string): string[] {
  const parsed = JSON.parse(json) as {
    subnets?: { subnet?: string }[] | null;
    plugins?: { ipam?: { ranges?: { subnet?: string }[][] } }[] | null;
  }[];
  return parsed.flatMap((net) => [
    ...(net.subnets ?? []).map((s) => s.subnet),
    ...(net.plugins ?? []).flatMap((p) => (p.ipam?.ranges ?? []).flat().map((r) => r.subnet)),
  ]).filter((s): s is string => Boolean(s));
}

export function ipv4Subnet(subnets: string[], network = 'kind'): string {
  const found = subnets.find((s) => isIPv4(s.split('/')[0]));
  if (!found) {
    throw new SetupError(
      `Docker network ${network} has no IPv4 subnet (it has ${subnets.join(', ') || 'none'}), and MetalLB needs IPv4 addresses; delete the network (docker network rm ${network}) when no cluster uses it so kind recreates it with IPv4.`,
    );
  }
  return found;
}

const toInt = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/**
 * For a /24 or larger: the 51 addresses .200–.250 of the last /24 (x.y.255.200-250 for a /16).
 * Smaller subnets: the top quarter below the broadcast address (at least 2 addresses; a /29 gives
 * 2). A /30 or smaller cannot hold the node, the gateway and a pool: a clear error.
 */
export function poolFromSubnet(cidr: string, network = 'kind'): Ipv4Pool {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!isIPv4(base) || !Number.isInteger(bits) || bits < 0 || bits > 32) {
    throw new SetupError(`Docker network ${network} reports an IPv4 subnet "${cidr}" kindgate cannot read; check \`docker network inspect ${network}\`.`);
  }
  const size = 2 ** (32 - bits);
  const start = Math.floor(toInt(base) / size) * size;
  const broadcast = start + size - 1;
  if (bits > 29) {
    throw new SetupError(
      `Docker network ${network} has the IPv4 subnet ${cidr}, too small for the node, the gateway and a MetalLB pool; recreate the network with a /29 or larger (a /16 is docker's default).`,
    );
  }
  let first: number;
  let last: number;
  if (size >= 256) {
    first = broadcast - 55;
    last = broadcast - 5;
  } else {
    const count = Math.max(2, size / 4);
    last = broadcast - 1;
    first = last - count + 1;
  }
  return { subnet: cidr, first: toIp(first), last: toIp(last), range: `${toIp(first)}-${toIp(last)}`, size: last - first + 1 };
}

/** Pick the pool from the output of `<engine> network inspect <network>`. */
export function poolFromInspect(engine: 'docker' | 'podman', json: string, network = 'kind'): Ipv4Pool {
  const subnets = engine === 'podman' ? subnetsFromPodmanInspect(json) : subnetsFromDockerInspect(json);
  return poolFromSubnet(ipv4Subnet(subnets, network), network);
}
