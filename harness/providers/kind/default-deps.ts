import { runCommand } from '../../exec.ts';
import { Kube } from '../../kube/client.ts';
import type { KindProviderDeps } from './context.ts';
import { startRelayContainer } from './reach/relay.ts';
import { tcpConnectable } from './reach/tcp.ts';
import { httpDownloader } from './tools/download.ts';
import { whichOnPath } from './tools/resolve.ts';

/**
 * What the kind provider really touches: the Kubernetes client, the download client, the engine.
 * A module of its own so that the steps (and the plan `--dry-run` prints from them) load none of it.
 */
export const defaultKindDeps: KindProviderDeps = {
  run: runCommand,
  download: httpDownloader,
  which: (name) => whichOnPath(name),
  kube: (path) => Kube.fromFile(path),
  startRelay: startRelayContainer,
  connectable: tcpConnectable,
  host: {},
};
