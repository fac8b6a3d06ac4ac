import { SetupError } from '../errors.ts';
import { describeRef, type KubeObject } from '../kube/types.ts';
import type { Endpoint, GatewayRef } from './types.ts';

interface GatewayAddress {
  type?: string;
  value: string;
}

/**
 * Where a listener of a Gateway is served: its address from Gateway.status.addresses (never a
 * Service name; an IPAddress is preferred over a Hostname) and the listener's port from
 * spec.listeners. Used by every provider that reaches a real cluster (kind, existing).
 * `noAddressHint` says where to look when the implementation assigned no address.
 */
export function gatewayTarget(
  gw: KubeObject | undefined,
  ref: GatewayRef,
  listener: string,
  noAddressHint: string,
): Endpoint {
  const where = describeRef({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', ...ref });
  if (!gw) throw new SetupError(`${where} does not exist; apply the fixtures first.`);
  const spec = gw.spec as { listeners?: { name: string; port: number }[] } | undefined;
  const port = spec?.listeners?.find((l) => l.name === listener)?.port;
  if (port === undefined) {
    throw new SetupError(`${where} has no listener named "${listener}"; check the fixture's spec.listeners.`);
  }
  const addresses = ((gw.status as { addresses?: GatewayAddress[] } | undefined)?.addresses ?? []).filter(
    (a) => a.value,
  );
  const address = addresses.find((a) => (a.type ?? 'IPAddress') === 'IPAddress') ?? addresses[0];
  if (!address) throw new SetupError(noAddressMessage(where, noAddressHint));
  return { host: address.value, port };
}

function noAddressMessage(where: string, hint: string): string {
  return `${where} has no status.addresses, so there is nothing to send requests to; ${hint}.`;
}
