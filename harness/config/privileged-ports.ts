import { readFileSync } from 'node:fs';

/** What decides whether this process may bind a port below 1024 (tests pass their own). */
export interface PortPrivilege {
  platform: NodeJS.Platform;
  uid?: number;
  /** Contents of /proc/sys/net/ipv4/ip_unprivileged_port_start, when readable. */
  unprivilegedPortStart?: string;
}

function currentPrivilege(): PortPrivilege {
  let unprivilegedPortStart: string | undefined;
  try {
    unprivilegedPortStart = readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8');
  } catch {
    unprivilegedPortStart = undefined; // not Linux, or an old kernel: 1024 applies
  }
  return { platform: process.platform, uid: process.getuid?.(), unprivilegedPortStart };
}

/**
 * Whether `port` can be bound here. Linux reserves ports below net.ipv4.ip_unprivileged_port_start
 * (1024 unless lowered, as container runtimes often do) to root; macOS has had no such limit since
 * 10.14 and Windows none at all.
 */
export function canBindPort(port: number, privilege: PortPrivilege = currentPrivilege()): boolean {
  if (privilege.platform !== 'linux' || privilege.uid === 0) return true;
  const start = Number.parseInt(privilege.unprivilegedPortStart ?? '', 10);
  return port >= (Number.isInteger(start) ? start : 1024);
}

/** The Gateway listener port the fixtures get when --listener-port is not given. */
export const DEFAULT_LISTENER_PORT = 80;
/** The sim's default where port 80 cannot be bound: the port go-httpbin itself listens on. */
export const UNPRIVILEGED_SIM_LISTENER_PORT = 8080;

/**
 * --provider sim serves the listener on this machine, so as non-root on Linux port 80 would be
 * reported PortUnavailable (as a real implementation would) and the listener suite would fail for a
 * reason that is the machine's, not the harness's: the sim then defaults to 8080. Real clusters
 * (kind, existing) bind inside the cluster and keep 80.
 */
export function defaultListenerPort(provider: string, privilege?: PortPrivilege): number {
  if (provider === 'sim' && !canBindPort(DEFAULT_LISTENER_PORT, privilege)) return UNPRIVILEGED_SIM_LISTENER_PORT;
  return DEFAULT_LISTENER_PORT;
}
