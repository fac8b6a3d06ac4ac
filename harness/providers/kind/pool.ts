import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { SetupError } from '../../errors.ts';
import { isNerdctl, type Engine } from './engine.ts';

/**
 * MetalLB's IPv4 pool: a slice at the top of the IPv4 subnet of the `kind` network. Docker and
 * podman hand out container addresses from the bottom of a subnet, so the top is free.
 * Every kind cluster shares that network, so each cluster gets its own slice, chosen from a hash
 * of the cluster name: a kept cluster and a new run (or parallel runs) do not hand out the same
 * VIPs (which would answer ARP for the other cluster's Gateway).
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
  /** Which of `slices` slices of the subnet's pool area this cluster got (0-based). */
  slice: number;
  slices: number;
}

/** Distinct slices in a subnet of 16 or more /24s (docker's default /16: x.y.255-k.200-250). */
export const POOL_SLICES = 16;
/** Addresses .200-.250 of a /24 are the pool area of that /24. */
const AREA_FIRST = 200;
const AREA_SIZE = 51;
/** A slice never gets fewer addresses than this when a subnet has few /24s (a /24: 6 slices of 8). */
const MIN_SLICE = 8;

/** A stable number from the cluster name (same name, same slice; on every machine). */
export function clusterHash(clusterName: string): number {
  return createHash('sha256').update(clusterName).digest().readUInt32BE(0);
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
  return parsed
    .flatMap((net) => [
      ...(net.subnets ?? []).map((s) => s.subnet),
      ...(net.plugins ?? []).flatMap((p) => (p.ipam?.ranges ?? []).flat().map((r) => r.subnet)),
    ])
    .filter((s): s is string => Boolean(s));
}

function noIpv4SubnetMessage(network: string, subnets: string[]): string {
  return (
    `Docker network ${network} has no IPv4 subnet (it has ${subnets.join(', ') || 'none'}), and MetalLB needs IPv4 addresses; ` +
    `delete the network (docker network rm ${network}) when no cluster uses it so kind recreates it with IPv4.`
  );
}

function subnetTooSmallMessage(network: string, cidr: string): string {
  return (
    `Docker network ${network} has the IPv4 subnet ${cidr}, too small for the node, the gateway and a MetalLB pool; ` +
    `recreate the network with a /29 or larger (a /16 is docker's default).`
  );
}

export function ipv4Subnet(subnets: string[], network = 'kind'): string {
  const found = subnets.find((s) => isIPv4(s.split('/')[0]));
  if (!found) {
    throw new SetupError(noIpv4SubnetMessage(network, subnets));
  }
  return found;
}

const toInt = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/**
 * The cluster's slice of the subnet's pool area (k = hash(cluster name) % slices):
 * - 16 or more /24s (a /20 or larger; docker's default /16): .200-.250 of the k-th /24 from the top,
 *   x.y.(255-k).200-250 for a /16: 16 slices of 51 addresses.
 * - 1 to 8 /24s (a /24, podman's default, up to a /21): the .200-.250 area of each of the top /24s
 *   is cut into equal slices of at least 8 addresses: 16 slices of 25 (/21), 16 of 12 (/22),
 *   12 of 8 (/23), 6 of 8 (/24).
 * - Smaller than a /24: one pool, the top quarter below the broadcast address (at least 2
 *   addresses; a /29 gives 2), shared by every cluster on that network: too small to divide.
 *   A /30 or smaller cannot hold the node, the gateway and a pool: a clear error.
 */
export function poolFromSubnet(cidr: string, clusterName: string, network = 'kind'): Ipv4Pool {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!isIPv4(base) || !Number.isInteger(bits) || bits < 0 || bits > 32) {
    throw new SetupError(
      `Docker network ${network} reports an IPv4 subnet "${cidr}" kindgate cannot read; check \`docker network inspect ${network}\`.`,
    );
  }
  const size = 2 ** (32 - bits);
  const start = Math.floor(toInt(base) / size) * size;
  const broadcast = start + size - 1;
  if (bits > 29) {
    throw new SetupError(subnetTooSmallMessage(network, cidr));
  }
  const pool = (first: number, last: number, slice: number, slices: number): Ipv4Pool => ({
    subnet: cidr,
    first: toIp(first),
    last: toIp(last),
    range: `${toIp(first)}-${toIp(last)}`,
    size: last - first + 1,
    slice,
    slices,
  });
  if (size < 256) {
    const count = Math.max(2, size / 4);
    return pool(broadcast - count, broadcast - 1, 0, 1);
  }
  const blocks = size / 256;
  const perBlock = blocks >= POOL_SLICES ? 1 : Math.min(POOL_SLICES / blocks, Math.floor(AREA_SIZE / MIN_SLICE));
  const slices = Math.min(blocks, POOL_SLICES) * perBlock;
  const width = Math.floor(AREA_SIZE / perBlock);
  const k = clusterHash(clusterName) % slices;
  const blockStart = broadcast - 255 - 256 * Math.floor(k / perBlock);
  const first = blockStart + AREA_FIRST + (k % perBlock) * width;
  return pool(first, first + width - 1, k, slices);
}

/** The cluster's slice written for any network of that size, for the dry-run plan: `x.y.252.200-x.y.252.250`. */
export function poolSliceExample(clusterName: string, prefixLength: 16 | 24): string {
  const pool = poolFromSubnet(`10.0.0.0/${prefixLength}`, clusterName);
  return pool.range.replaceAll(prefixLength === 16 ? '10.0.' : '10.0.0.', prefixLength === 16 ? 'x.y.' : 'x.y.z.');
}

/** kind's nerdctl subnet query (NERDCTL_SUBNETS_FORMAT): the subnets separated by spaces. */
export function subnetsFromFormattedInspect(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** Pick the pool from the output of `<engine> network inspect <network>` (networkInspectCommand). */
export function poolFromInspect(engine: Engine, output: string, clusterName: string, network = 'kind'): Ipv4Pool {
  const subnets =
    engine === 'podman'
      ? subnetsFromPodmanInspect(output)
      : isNerdctl(engine)
        ? subnetsFromFormattedInspect(output)
        : subnetsFromDockerInspect(output);
  return poolFromSubnet(ipv4Subnet(subnets, network), clusterName, network);
}
