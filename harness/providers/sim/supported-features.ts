/**
 * The Gateway API features the sim passes in the upstream conformance suite at v1.6.1
 * (`kindgate conformance --provider sim`, run by the conformance test tier): what its GatewayClass
 * advertises in status.supportedFeatures and what that run tests. Upstream names
 * (pkg/features); a feature goes in only once every upstream test that needs it passes against
 * the sim. The README's table lists what the sim does not do.
 */
export const SIM_SUPPORTED_FEATURES: readonly string[] = [
  // GATEWAY-HTTP core.
  'Gateway',
  'HTTPRoute',
  'ReferenceGrant',
  // GATEWAY-HTTP extended.
  'GatewayHTTPListenerIsolation',
  'GatewayInfrastructurePropagation',
  'GatewayPort8080',
  'HTTPRoute303RedirectStatusCode',
  'HTTPRoute307RedirectStatusCode',
  'HTTPRoute308RedirectStatusCode',
  'HTTPRouteBackendRequestHeaderModification',
  'HTTPRouteDestinationPortMatching',
  'HTTPRouteHostRewrite',
  'HTTPRouteMethodMatching',
  'HTTPRouteNamedRouteRule',
  'HTTPRouteParentRefPort',
  'HTTPRoutePathRedirect',
  'HTTPRoutePathRewrite',
  'HTTPRoutePortRedirect',
  'HTTPRouteQueryParamMatching',
  'HTTPRouteResponseHeaderModification',
  'HTTPRouteSchemeRedirect',
];
