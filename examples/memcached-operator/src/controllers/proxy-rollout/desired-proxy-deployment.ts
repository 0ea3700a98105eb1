import { newControllerRef } from '@spoke/manager/kinds';
import { MemcachedKind } from '../../api/v1beta1/memcached-kind.js';
import type { V1Container, V1Deployment } from '@kubernetes/client-node';
import type { Memcached } from '../../api/v1beta1/memcached.js';
import { resolveSpec, type ProxyEngine } from '../../api/v1beta1/memcached-spec.js';
import { MemcachedPort, ProxyConfigDir, ProxyConfigFileName } from '../../proxy/index.js';
import { Annotations } from '../../contract/annotations.js';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../container-security.js';
import { objectLabels, selectorLabels } from '../../contract/labels.js';
import { proxyName } from '../../contract/names.js';

/** An unprivileged uid for the proxy containers; neither proxy needs a named user. */
const proxyUid = 65532;

/** The engine's command line: read the mounted config, listen on the memcached port. */
function proxyCommand(engine: ProxyEngine): string[] {
  const file = `${ProxyConfigDir}/${ProxyConfigFileName[engine]}`;
  return engine === 'Twemproxy'
    ? // -s/-a: nutcracker's stats port, on loopback only (the operator does not scrape it).
      ['nutcracker', '-c', file, '-s', '22222', '-a', '127.0.0.1']
    : ['mcrouter', '--config', `file:${file}`, '-p', String(MemcachedPort)];
}

/**
 * The proxy Deployment, its pods mounting `configMapName`. Changing the ConfigMap name changes the pod template,
 * which is what rolls the proxy; `maxUnavailable: 0` keeps every old proxy serving until its replacement is ready.
 */
export function desiredProxyDeployment(memcached: Memcached, configMapName: string): V1Deployment {
  const name = memcached.metadata?.name ?? '';
  const spec = resolveSpec(memcached.spec);
  const container: V1Container = {
    name: 'proxy',
    image: spec.proxy.image,
    command: proxyCommand(spec.proxy.engine),
    ports: [{ name: 'memcached', containerPort: MemcachedPort, protocol: 'TCP' }],
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    readinessProbe: { tcpSocket: { port: 'memcached' }, periodSeconds: 5 },
    livenessProbe: { tcpSocket: { port: 'memcached' }, periodSeconds: 10, failureThreshold: 3 },
    volumeMounts: [{ name: 'config', mountPath: ProxyConfigDir, readOnly: true }],
    securityContext: restrictedContainerSecurityContext,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: proxyName(name),
      namespace: memcached.metadata?.namespace,
      labels: objectLabels(name, 'proxy'),
      ownerReferences: [newControllerRef(memcached, MemcachedKind)],
    },
    spec: {
      replicas: spec.proxy.replicas,
      selector: { matchLabels: selectorLabels(name, 'proxy') },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      // Old ReplicaSets point at configs that list old addresses; a few are enough to see the history.
      revisionHistoryLimit: 3,
      template: {
        metadata: {
          labels: objectLabels(name, 'proxy'),
          annotations: { [Annotations.configMap]: configMapName },
        },
        spec: {
          securityContext: restrictedPodSecurityContext(proxyUid),
          containers: [container],
          volumes: [{ name: 'config', configMap: { name: configMapName } }],
        },
      },
    },
  };
}
