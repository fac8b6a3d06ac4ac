import { stringify } from 'yaml';
import type { CommandLine } from '../../exec.ts';

import { CLUSTER_PREFIX } from '../../config/options.ts';

export { CLUSTER_PREFIX };

/**
 * kind labels every node container `io.x-k8s.kind.cluster=<name>` and names the control plane
 * `<name>-control-plane` (kind pkg/cluster/internal/providers/docker/constants.go, provision.go).
 */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

export function isKindgateCluster(name: string): boolean {
  return name.startsWith(CLUSTER_PREFIX);
}

/**
 * The generated cluster config, schema `kind.x-k8s.io/v1alpha4` (kind pkg/apis/config/v1alpha4/types.go:
 * Cluster{name, nodes[{role}], networking{ipFamily}}). One control-plane node, IPv4 cluster
 * networking (MetalLB gets an IPv4 pool); the node image is passed with --image, pinned by digest.
 */
export function kindClusterConfig(name: string): string {
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name,
    nodes: [{ role: 'control-plane' }],
    networking: { ipFamily: 'ipv4' },
  });
}

/**
 * Command lines (kind v0.33 flags, pkg/cmd/kind/...): `create cluster` takes --name --image
 * --config --kubeconfig --wait <duration>; `delete cluster` --name --kubeconfig; `get clusters`
 * prints one name per line; `get kubeconfig` --name prints it to stdout; `export logs [dir]` --name.
 * Every command names our private kubeconfig so kind never edits ~/.kube/config.
 */
export const kindCommands = {
  create(opts: { name: string; image: string; configPath: string; kubeconfigPath: string }): CommandLine {
    return {
      file: 'kind',
      args: [
        'create',
        'cluster',
        '--name',
        opts.name,
        '--image',
        opts.image,
        '--config',
        opts.configPath,
        '--kubeconfig',
        opts.kubeconfigPath,
        '--wait',
        '5m',
      ],
      timeoutMs: 10 * 60_000,
    };
  },
  delete(opts: { name: string; kubeconfigPath: string }): CommandLine {
    return {
      file: 'kind',
      args: ['delete', 'cluster', '--name', opts.name, '--kubeconfig', opts.kubeconfigPath],
      timeoutMs: 3 * 60_000,
    };
  },
  getClusters(): CommandLine {
    return { file: 'kind', args: ['get', 'clusters'], timeoutMs: 60_000 };
  },
  getKubeconfig(name: string): CommandLine {
    return { file: 'kind', args: ['get', 'kubeconfig', '--name', name], timeoutMs: 60_000, secretStdout: true };
  },
  /** `kind load docker-image IMAGE... --name N` (pkg/cmd/kind/load/docker-image): `docker save` on the host, imported into every node. */
  loadDockerImage(name: string, images: string[]): CommandLine {
    return { file: 'kind', args: ['load', 'docker-image', ...images, '--name', name], timeoutMs: 10 * 60_000 };
  },
  exportLogs(name: string, dir: string): CommandLine {
    return { file: 'kind', args: ['export', 'logs', dir, '--name', name], timeoutMs: 5 * 60_000 };
  },
};

/** `kind get clusters` output → names (it prints "No kind clusters found." on stderr when empty). */
export function parseClusterList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('No kind clusters'));
}
