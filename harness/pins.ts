/**
 * Every pinned version the real run depends on, with its sha256, in one place.
 * Manifest hashes were recomputed from upstream git at the tag and matched against the same pins
 * published independently by other public projects. A mismatch at download time is an error,
 * never a warning.
 */
export const pins = {
  kind: {
    version: 'v0.33.0',
    /** `{os}`/`{arch}`: linux|darwin, amd64|arm64. */
    url: 'https://kind.sigs.k8s.io/dl/v0.33.0/kind-{os}-{arch}',
    /** Known digests; other platforms use the `.sha256sum` file published beside each binary. */
    sha256: {
      'linux-amd64': 'aee6151561422756b764a4ae28e7f44cda5af5a9eead3cc9985112b1de8d8e0d',
    } as Record<string, string>,
  },
  nodeImage: 'kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
  metallb: {
    version: 'v0.16.1',
    url: 'https://raw.githubusercontent.com/metallb/metallb/v0.16.1/config/manifests/metallb-native.yaml',
    sha256: 'bf25feebb7582ca7df845efd52ffbc2960d6cbf4cfc972f47fded9f788b67f0b',
  },
  gatewayApi: {
    version: 'v1.6.1',
    standard: {
      url: 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml',
      bytes: 1_170_953,
      sha256: '24d931f22abd8e40c973264319ead7cfa09d0fb7716b7ab1ee2ff174cb063a73',
    },
    experimental: {
      url: 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/experimental-install.yaml',
      bytes: 1_402_117,
      sha256: 'd7fa77650e4ef28fca0411536fcb5e237deb4d50301cfded3be49d9a1b7bbd02',
    },
  },
  istio: {
    version: '1.31.0',
    /** `{platform}`: linux-amd64, linux-arm64, osx-amd64, osx-arm64; checksum in `<url>.sha256`. */
    url: 'https://github.com/istio/istio/releases/download/1.31.0/istioctl-1.31.0-{platform}.tar.gz',
  },
  httpbin: {
    image: 'mccutchen/go-httpbin:2.25.0',
  },
  /**
   * The relay container (Docker Desktop / --reach relay): socat from alpine/socat, ENTRYPOINT
   * ["socat"], ~5 MB. Tag 1.8.0.3 by digest; the same digest is pinned independently by several
   * public projects. Overridable with --relay-image (air-gapped mirrors).
   */
  relay: {
    image: 'docker.io/alpine/socat:1.8.0.3@sha256:beb4a68d9e4fe6b0f21ea774a0fde6c31f580dde6368939ed70100c5385b015e',
  },
} as const;
