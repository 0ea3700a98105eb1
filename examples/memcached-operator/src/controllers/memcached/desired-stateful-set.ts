import { newControllerRef } from '@spoke/manager/kinds';
import { MemcachedKind } from '../../api/v1beta1/memcached-kind.js';
import type { V1StatefulSet } from '@kubernetes/client-node';
import type { Memcached } from '../../api/v1beta1/memcached.js';
import { resolveSpec } from '../../api/v1beta1/memcached-spec.js';
import { MemcachedPort } from '../../proxy/index.js';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../container-security.js';
import { objectLabels, selectorLabels } from '../../contract/labels.js';
import { serverServiceName, statefulSetName } from '../../contract/names.js';

/** Memory beyond the item memory (`-m`): connections, hash table and the process itself. */
export const MemoryOverheadMB = 32;

/** The uid of the `memcache` user in the official memcached images. */
const memcacheUid = 11211;

/**
 * The memcached servers: a StatefulSet, so that pod `<name>-N` keeps its name, and therefore its place on the hash
 * ring, when it is recreated with a new IP.
 */
export function desiredStatefulSet(memcached: Memcached): V1StatefulSet {
  const name = memcached.metadata?.name ?? '';
  const spec = resolveSpec(memcached.spec);
  const memory = `${spec.memoryMB + MemoryOverheadMB}Mi`;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: statefulSetName(name),
      namespace: memcached.metadata?.namespace,
      labels: objectLabels(name, 'server'),
      ownerReferences: [newControllerRef(memcached, MemcachedKind)],
    },
    spec: {
      replicas: spec.replicas,
      serviceName: serverServiceName(name),
      // Servers are independent: start and stop them all at once rather than one by one.
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selectorLabels(name, 'server') },
      template: {
        metadata: { labels: objectLabels(name, 'server') },
        spec: {
          securityContext: restrictedPodSecurityContext(memcacheUid),
          containers: [
            {
              name: 'memcached',
              image: spec.image,
              args: [
                '-m',
                String(spec.memoryMB),
                // Only when set: a Memcached that never set it keeps its StatefulSet (no rollout on upgrade).
                ...(spec.maxItemSizeKB === undefined ? [] : ['-I', `${spec.maxItemSizeKB}k`]),
                '-p',
                String(MemcachedPort),
                '-U',
                '0',
                '-o',
                'modern',
              ],
              ports: [{ name: 'memcached', containerPort: MemcachedPort, protocol: 'TCP' }],
              resources: { requests: { cpu: '50m', memory }, limits: { memory } },
              readinessProbe: { tcpSocket: { port: 'memcached' }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 'memcached' }, periodSeconds: 10, failureThreshold: 3 },
              securityContext: restrictedContainerSecurityContext,
            },
          ],
        },
      },
    },
  };
}
