import { kwokNodeAnnotation } from './component-flags.js';

/** The label all simulated nodes carry, to list them. */
export const kwokNodeLabel = { key: 'type', value: 'kwok' } as const;

/** The name of the i-th simulated node. */
export const kwokNodeName = (index: number): string => `kwok-node-${index}`;

/**
 * A Node for kwok to manage: the annotation selects it for kwok, which then keeps its status and lease fresh and
 * runs its Pods. No taint: only fake nodes exist, so workloads need no toleration to be scheduled. The capacity is
 * generous, so scheduling never fails for lack of room in a test.
 */
export function kwokNode(index: number): object {
  const name = kwokNodeName(index);
  const resources = { cpu: '32', memory: '256Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: {
        [kwokNodeAnnotation.key]: kwokNodeAnnotation.value,
        'node.alpha.kubernetes.io/ttl': '0',
      },
      labels: {
        [kwokNodeLabel.key]: kwokNodeLabel.value,
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/agent': '',
      },
    },
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`] },
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: 'fake',
        kubeProxyVersion: 'fake',
        containerRuntimeVersion: '',
        kernelVersion: '',
        osImage: '',
        bootID: '',
        machineID: '',
        systemUUID: '',
      },
      phase: 'Running',
    },
  };
}
