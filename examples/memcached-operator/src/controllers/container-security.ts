import type { V1PodSecurityContext, V1SecurityContext } from '@kubernetes/client-node';

/** Pods run as a non-root user with the runtime's default seccomp profile (the `restricted` Pod Security level). */
export function restrictedPodSecurityContext(uid: number): V1PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Containers keep no capability and cannot write their image: memcached and both proxies need neither. */
export const restrictedContainerSecurityContext: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};
