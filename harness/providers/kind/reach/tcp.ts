import { connect } from 'node:net';

/** True when a TCP connection to host:port opens within timeoutMs (nothing is sent). */
export function tcpConnectable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Wait until host:port accepts connections, trying every 100 ms up to timeoutMs. */
export async function waitForTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await tcpConnectable(host, port, Math.min(1_000, deadline - Date.now()))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
