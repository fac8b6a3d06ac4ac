/**
 * An implementation profile: how to install a Gateway API implementation and what to expect of it.
 */
export interface ImplementationInfo {
  organization: string;
  project: string;
  url: string;
  version: string;
  contact: string[];
}

export interface DiagnosticsSpec {
  /** Controller pods: namespace + label selector. */
  controllerPods: { namespace: string; labelSelector: string }[];
  /**
   * Label selector for the data-plane pods of a Gateway, `{gateway}` replaced by the Gateway's
   * name; they live in the Gateway's namespace.
   */
  gatewayPodSelector: string;
}

export interface Profile {
  name: string;
  gatewayClassName: string;
  controllerName: string;
  /** The `server` response header served by the data plane must match this. */
  serverHeader: RegExp;
  /** Gateway API features this implementation supports (upstream feature names). */
  supportedFeatures: string[];
  implementation: ImplementationInfo;
  /** Upstream conformance profiles `kindgate conformance` runs (default GATEWAY-HTTP). */
  conformanceProfiles?: string[];
  diagnostics: DiagnosticsSpec;
  /** How `--provider kind` installs it; undefined = it cannot (use `--provider existing`). */
  install?: ProfileInstall;
}

/** Istio's pinned `istioctl install`, or a vendor's own command and/or manifests. */
export type ProfileInstall = { type: 'istioctl' } | ({ type: 'vendor' } & VendorInstall);

export interface VendorInstall {
  /** Argument array (never a shell string), run with KUBECONFIG set to the run's kubeconfig. */
  command?: string[];
  /** Absolute paths of manifests, server-side applied (field manager kindgate) after the command. */
  manifests: string[];
  timeoutMs: number;
  gatewayClassTimeoutMs: number;
}
