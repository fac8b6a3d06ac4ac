import { readFileSync } from 'node:fs';

/**
 * Whether this process may bind ports below 1024 (root, a lowered
 * net.ipv4.ip_unprivileged_port_start, or macOS, which has no privileged ports on loopback since
 * 10.14). Tests of listeners on port 80 expect them served there when it is, and reported as
 * PortUnavailable (served at another port) when it is not.
 */
export const privilegedPortsBindable: boolean = (() => {
  if (process.platform === 'darwin' || process.getuid?.() === 0) return true;
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim()) <= 80;
  } catch {
    return false;
  }
})();
