/**
 * Gateway API feature names a profile may list, as the upstream conformance suite names them.
 * Profiles (config validation) and the ConformanceReport both read these; they are Gateway API
 * facts, so they live apart from either.
 */

/** GATEWAY-HTTP core features at Gateway API v1.6.1 (conformance/utils/suite/profiles.go). */
export const gatewayHttpCoreFeatures = ['Gateway', 'HTTPRoute', 'ReferenceGrant'] as const;

/**
 * GATEWAY-HTTP extended features at Gateway API v1.6.1: pkg/features GatewayExtendedFeatures +
 * HTTPRouteExtendedFeatures + BackendTLSPolicyCoreFeatures + BackendTLSPolicyExtendedFeatures.
 */
export const gatewayHttpExtendedFeatures = [
  'BackendTLSPolicy',
  'BackendTLSPolicySANValidation',
  'GatewayAddressEmpty',
  'GatewayBackendClientCertificate',
  'GatewayFrontendClientCertificateValidation',
  'GatewayFrontendClientCertificateValidationInsecureFallback',
  'GatewayHTTPListenerIsolation',
  'GatewayHTTPSListenerDetectMisdirectedRequests',
  'GatewayInfrastructurePropagation',
  'GatewayPort8080',
  'GatewayStaticAddresses',
  'HTTPRoute303RedirectStatusCode',
  'HTTPRoute307RedirectStatusCode',
  'HTTPRoute308RedirectStatusCode',
  'HTTPRouteBackendProtocolH2C',
  'HTTPRouteBackendProtocolWebSocket',
  'HTTPRouteBackendRequestHeaderModification',
  'HTTPRouteBackendTimeout',
  'HTTPRouteCORS',
  'HTTPRouteDestinationPortMatching',
  'HTTPRouteHostRewrite',
  'HTTPRouteMethodMatching',
  'HTTPRouteNamedRouteRule',
  'HTTPRouteParentRefPort',
  'HTTPRoutePathRedirect',
  'HTTPRoutePathRewrite',
  'HTTPRoutePortRedirect',
  'HTTPRouteQueryParamMatching',
  'HTTPRouteRequestMirror',
  'HTTPRouteRequestMultipleMirrors',
  'HTTPRouteRequestPercentageMirror',
  'HTTPRouteRequestTimeout',
  'HTTPRouteResponseHeaderModification',
  'HTTPRouteRetry',
  'HTTPRouteRetryBackendTimeout',
  'HTTPRouteRetryConnectionError',
  'HTTPRouteSchemeRedirect',
  'ListenerSet',
] as const;
