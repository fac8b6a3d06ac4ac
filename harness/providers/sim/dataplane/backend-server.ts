import type { Endpoint } from '../../types.ts';

/** A loopback server standing in for one pod's container (httpbin.ts, echo-basic.ts). */
export interface BackendServer {
  endpoint: Endpoint;
  /** Log lines as the container would print them. */
  logs(): string;
  close(): Promise<void>;
}
