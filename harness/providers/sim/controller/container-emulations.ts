import type { BackendServer } from '../dataplane/backend-server.ts';
import { startEchoBasic } from '../dataplane/echo-basic.ts';
import { startHttpbin } from '../dataplane/httpbin.ts';

/**
 * Which container images the sim runs a stand-in for, and how: go-httpbin (any image whose name
 * contains "httpbin") and the upstream conformance suite's echo-basic (image
 * `<any registry>/echo-basic` at any tag or digest) in its HTTP mode. echo-basic started as a
 * gRPC, TCP or UDP server (GRPC_ECHO_SERVER, TCP_ECHO_SERVER, UDP_ECHO_SERVER set) is not
 * emulated: such pods have no endpoint.
 */

export type Emulation = 'httpbin' | 'echo-basic';

const ECHO_BASIC_IMAGE = /(^|\/)echo-basic(:[^/@]*)?(@sha256:[0-9a-f]+)?$/;
const NON_HTTP_MODES = ['GRPC_ECHO_SERVER', 'TCP_ECHO_SERVER', 'UDP_ECHO_SERVER'];

export function emulationOf(image: string | undefined, env: Record<string, string>): Emulation | undefined {
  const ref = image ?? '';
  if (ECHO_BASIC_IMAGE.test(ref)) return NON_HTTP_MODES.some((m) => env[m]) ? undefined : 'echo-basic';
  if (ref.includes('httpbin')) return 'httpbin';
  return undefined;
}

export function startEmulation(kind: Emulation, env: Record<string, string>): Promise<BackendServer> {
  return kind === 'echo-basic' ? startEchoBasic({ env }) : startHttpbin({ env });
}
