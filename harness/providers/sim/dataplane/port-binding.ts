import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Endpoint } from '../../types.ts';

/**
 * Binding a listener's port on its Gateway's loopback address. When the port cannot be had (a
 * port below 1024 without root, a port another process holds), the listener is served on a free
 * port of the same address instead, so the harness's own endpoint resolution keeps working, and
 * the problem is reported for the listener's status.
 */

/** Where a listener goes when even its Gateway's own address cannot be bound. */
const LAST_RESORT_HOST = '127.0.0.1';

/** Puts `server` in the listening state at host:port (port 0 = any free port). */
export type BindFunction = (server: Server, host: string, port: number) => Promise<void>;

export const listenOn: BindFunction = (server, host, port) =>
  new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });

/** Why the spec port could not be bound, in words for the listener's status and the log. */
export interface BindProblem {
  code: string;
  message: string;
}

export interface PortBinding {
  /** Where the port is actually served: the spec port, or the fallback. */
  endpoint: Endpoint;
  problem?: BindProblem;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
}

export function bindProblemMessage(host: string, port: number, code: string, fallback: Endpoint): string {
  const why =
    code === 'EACCES'
      ? 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)'
      : code === 'EADDRINUSE'
        ? 'the port is already in use by another process'
        : `bind failed with ${code}`;
  return (
    `port ${port} cannot be bound on ${host}: ${why}; ` +
    `the kindgate sim serves this listener at ${fallback.host}:${fallback.port} instead`
  );
}

function boundEndpoint(server: Server): Endpoint {
  const { address, port } = server.address() as AddressInfo;
  return { host: address, port };
}

/**
 * Listen on host:port, or failing that on a free port of host (of 127.0.0.1 if host itself
 * cannot be bound). `make` creates a fresh server for each attempt: a server whose listen failed
 * is not reused.
 */
export async function bindListenerPort(
  make: () => Server,
  host: string,
  port: number,
  bind: BindFunction = listenOn,
): Promise<{ server: Server } & PortBinding> {
  const server = make();
  try {
    await bind(server, host, port);
    return { server, endpoint: boundEndpoint(server) };
  } catch (error) {
    const code = errorCode(error);
    const fallback = make();
    try {
      await bind(fallback, host, 0);
    } catch {
      await bind(fallback, LAST_RESORT_HOST, 0);
    }
    const endpoint = boundEndpoint(fallback);
    return { server: fallback, endpoint, problem: { code, message: bindProblemMessage(host, port, code, endpoint) } };
  }
}
