import { pins } from '../pins.ts';
import type { Profile } from './types.ts';

/**
 * Istio as installed by `istioctl install --set profile=minimal`. Its defaults, from Istio's source
 * (pilot/pkg/features/pilot.go): GatewayClass `istio` (PILOT_GATEWAY_API_DEFAULT_GATEWAYCLASS_NAME)
 * and controller `istio.io/gateway-controller` (PILOT_GATEWAY_API_CONTROLLER_NAME). Its gateway
 * proxies are Envoy and answer with `server: istio-envoy`.
 */
export const istioProfile: Profile = {
  name: 'istio',
  gatewayClassName: 'istio',
  controllerName: 'istio.io/gateway-controller',
  serverHeader: /envoy/,
  // A conservative subset of what Istio's own uploaded conformance reports claim (gateway-api
  // site-src/implementation-table.md): only features kindgate's report should vouch for.
  supportedFeatures: [
    'Gateway',
    'HTTPRoute',
    'ReferenceGrant',
    'HTTPRouteHostRewrite',
    'HTTPRouteQueryParamMatching',
    'HTTPRouteMethodMatching',
    'HTTPRouteResponseHeaderModification',
  ],
  implementation: {
    organization: 'istio',
    project: 'istio',
    url: 'https://istio.io',
    version: pins.istio.version,
    contact: ['@istio/maintainers'],
  },
  diagnostics: {
    controllerPods: [{ namespace: 'istio-system', labelSelector: 'app=istiod' }],
    gatewayPodSelector: 'gateway.networking.k8s.io/gateway-name={gateway}',
  },
  install: { type: 'istioctl' },
};
