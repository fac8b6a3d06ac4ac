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
    /** The images that manifest names (Deployment controller, DaemonSet speaker); release manifests pin the version tag. */
    images: ['quay.io/metallb/controller:v0.16.1', 'quay.io/metallb/speaker:v0.16.1'],
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
    /**
     * istioctl's default hub and tag (docker.io/istio, the release version): istiod runs `pilot`,
     * and istiod deploys each Gateway with the proxy image `proxyv2` (global.proxy.image).
     */
    images: { istiod: 'docker.io/istio/pilot:1.31.0', gateway: 'docker.io/istio/proxyv2:1.31.0' },
  },
  httpbin: {
    /**
     * go-httpbin publishes every tagged release to ghcr.io and Docker Hub and recommends ghcr.io
     * (its README; .goreleaser.yaml dockers_v2 pushes both with the tag `{{.Version}}`); its pulls
     * do not count against Docker Hub's pull limits. --httpbin-image points at a mirror.
     */
    image: 'ghcr.io/mccutchen/go-httpbin:2.25.0',
  },
  /**
   * The relay container (Docker Desktop / --reach relay): socat from alpine/socat, ENTRYPOINT
   * ["socat"], ~5 MB. Tag 1.8.0.3 by digest; the same digest is pinned independently by several
   * public projects. Overridable with --relay-image (air-gapped mirrors).
   */
  relay: {
    image: 'docker.io/alpine/socat:1.8.0.3@sha256:beb4a68d9e4fe6b0f21ea774a0fde6c31f580dde6368939ed70100c5385b015e',
  },
  /**
   * `kindgate conformance`: the upstream suite is the Go module sigs.k8s.io/gateway-api/conformance
   * at the CRDs' tag (its own module since v1.6: conformance/go.mod), with the API module it needs.
   * Each source archive is the module zip the Go module proxy serves for the tag; sha256 and size
   * were computed here from the downloads, and `h1`/`goModH1` are Go's own hashes as `go mod tidy`
   * recorded them after checking the checksum database (they are in harness/conformance/module/go.sum).
   * No proxy is named here: the one this machine's Go uses is learned at run time
   * (harness/conformance/go-proxy.ts); the sha256 are checked when this machine downloads the
   * archives, go.sum by Go wherever it fetches them.
   */
  conformance: {
    /** gateway-api v1.6.1 go.mod and conformance/go.mod: `go 1.26.0`. */
    goMinimum: '1.26.0',
    modules: [
      {
        path: 'sigs.k8s.io/gateway-api/conformance',
        version: 'v1.6.1',
        time: '2026-07-16T14:37:26Z',
        zip: { sha256: 'bdbe29c20c816a97e8aa93c728f48c1f6e732a03c56d18c373f2c3672108dfc4', bytes: 727_591 },
        mod: { sha256: '1f94092d60f3627657b5ce6c3901b37558e3218e22280ad7b58be978e7adc022', bytes: 3_569 },
        h1: 'h1:hjJJBYhGlLLDAkpbiL8wYP2JmTbc5D6t/DromATFXbI=',
        goModH1: 'h1:JD6CHFrpzVyvgivIzhu0My27sOk3I3IphxJe4CIjGb4=',
      },
      {
        path: 'sigs.k8s.io/gateway-api',
        version: 'v1.6.1',
        time: '2026-07-16T14:37:26Z',
        zip: { sha256: 'cbedb5752da4817b0aa55ddf03b19903b3016083f4583b926b4d26e537d82591', bytes: 2_763_672 },
        mod: { sha256: '4da8f322c37b759da73380dc7737697e6fcd1b3b7d35262ddaf5640a3cbc6839', bytes: 2_653 },
        h1: 'h1:mock6phZbI6rvZerwrVNk7hVNymQgHo+6sJ81Ia7ftY=',
        goModH1: 'h1:FVfx3t389ybeXOqvDghLbdvJdSCfI/PReqCUI3lu3mY=',
      },
    ],
    /**
     * The runner container: the official Go image, multi-arch index digest of tag 1.26.8 as pinned
     * independently by several public projects. Not pulled here (no registry reachable), so the
     * digest is not verified by this project; --runner-image overrides it (mirrors, newer Go).
     */
    runnerImage:
      'docker.io/library/golang:1.26.8@sha256:3c3e25a4da13fd0478eed2df1eb35a0e667094a7124d3993a6a1d30f71c17e79',
    /** Named volume for the runner's Go module and build caches, kept across runs. */
    cacheVolume: 'kindgate-go-cache',
  },
} as const;
