import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKindLikeNetwork, docker, leftovers, runId, skipReason, TEST_LABEL } from '../dockertest/setup.ts';
import { buildTestImage, TEST_IMAGES } from '../dockertest/images.ts';
import { createMemoryLogger } from '../../../log.ts';
import type { KubeObject } from '../../../kube/types.ts';
import { sendRequest } from '../../../probe/http.ts';
import { GatewayReach } from './endpoint.ts';
import { removeLabelledContainers, startRelayContainer } from './relay.ts';
import { tcpConnectable } from './tcp.ts';
import { runCommand } from '../../../exec.ts';

const network = `kindgate-test-${runId}-relay`;
const labels = { [TEST_LABEL]: runId, 'kindgate.relay': `kindgate-test-${runId}` };

describe.skipIf(Boolean(skipReason))(
  `relay container through testcontainers${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    let targetIp = '';

    beforeAll(async () => {
      await Promise.all([buildTestImage('relay'), buildTestImage('target')]);
      await createKindLikeNetwork(network, `fc00:${runId.slice(0, 4)}:${runId.slice(4, 8)}:e794::/64`);
      const id = await docker(
        'run',
        '-d',
        '--network',
        network,
        '--label',
        `${TEST_LABEL}=${runId}`,
        TEST_IMAGES.target,
      );
      targetIp = await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, id);
    });

    afterAll(async () => {
      await removeLabelledContainers('docker', { [TEST_LABEL]: runId }, runCommand, createMemoryLogger()).catch(
        () => 0,
      );
      await docker('network', 'rm', network).catch(() => undefined);
      expect(await leftovers()).toEqual({ containers: [], networks: [] });
    });

    it('forwards a host port to an address on the network; the harness HTTP probe works through it', async () => {
      const log = createMemoryLogger();
      // The target's network address is not routable from every host (Docker Desktop): that is why the relay exists.
      const relay = await startRelayContainer(
        { image: TEST_IMAGES.relay, network, target: { host: targetIp, port: 8080 }, labels },
        log,
      );
      try {
        const res = await sendRequest({
          endpoint: relay.endpoint,
          path: '/headers',
          host: 'httpbin.example.com',
          timeoutMs: 10_000,
        });
        expect(res.status).toBe(200);
        expect(res.headers.server).toBe('kindgate-test-target');
        expect(res.json()).toEqual({ method: 'GET', path: '/headers', host: 'httpbin.example.com' });
      } finally {
        await relay.stop();
      }
      expect(await docker('ps', '-aq', '--filter', `label=kindgate.relay=kindgate-test-${runId}`)).toBe('');
    });

    it('GatewayReach in relay mode reaches a Gateway status address and removes its relay on close', async () => {
      const gateway: KubeObject = {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'external-gateway', namespace: 'istio-system' },
        spec: { listeners: [{ name: 'http', port: 8080 }] },
        status: { addresses: [{ type: 'IPAddress', value: targetIp }] },
      } as KubeObject;
      const reach = new GatewayReach(
        {
          mode: 'relay',
          routing: { routable: false, why: 'the test forces a relay' },
          relayImage: TEST_IMAGES.relay,
          network,
          labels,
          directWaitMs: 0,
        },
        {
          getGateway: async () => gateway,
          connectable: tcpConnectable,
          startRelay: startRelayContainer,
          explainUnreachable: async () => {
            throw new Error('a relay is never diagnosed');
          },
        },
        createMemoryLogger(),
      );
      try {
        const endpoint = await reach.endpoint({ namespace: 'istio-system', name: 'external-gateway' }, 'http');
        const res = await sendRequest({ endpoint, path: '/status/ok', host: 'httpbin.example.com', timeoutMs: 10_000 });
        expect(res.status).toBe(200);
        expect((res.json() as { path: string }).path).toBe('/status/ok');
      } finally {
        await reach.close();
      }
      expect(await docker('ps', '-aq', '--filter', `label=kindgate.relay=kindgate-test-${runId}`)).toBe('');
    });
  },
);
