import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Endpoint } from '../../types.ts';

/** A loopback server standing in for one pod's container (httpbin.ts, echo-basic.ts). */
export interface BackendServer {
  endpoint: Endpoint;
  /** Log lines as the container would print them. */
  logs(): string;
  close(): Promise<void>;
}

/** Lines a container keeps for `kubectl logs`: the newest, bounded so a long run stays small. */
const MAX_LOG_LINES = 2000;

/** A container's log: `log` appends a line, `text` is what `kubectl logs` would print. */
export function containerLog(): { log(line: string): void; text(): string } {
  const lines: string[] = [];
  return {
    log(line) {
      lines.push(line);
      if (lines.length > MAX_LOG_LINES) lines.shift();
    },
    text: () => (lines.length ? `${lines.join('\n')}\n` : ''),
  };
}

/** Listen on a free loopback port; closing also ends kept-alive connections. */
export async function listenOnLoopback(server: Server, logs: () => string): Promise<BackendServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: { host: '127.0.0.1', port },
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
