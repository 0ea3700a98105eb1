/** The labels that tie every owned object to its Memcached; selectors use these, so they never change. */
export const Labels = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** The parts of a Memcached, as `app.kubernetes.io/component` values. */
export type Component = 'server' | 'proxy' | 'proxy-config';

/** The operator's name in `app.kubernetes.io/managed-by` and the field manager of its writes. */
export const OperatorName = 'memcached-operator';

/**
 * The labels that select one component of one Memcached: immutable once used in a StatefulSet or Deployment
 * selector, so nothing that can change (image, version) goes in here.
 */
export function selectorLabels(memcachedName: string, component: Component): Record<string, string> {
  return { [Labels.name]: 'memcached', [Labels.instance]: memcachedName, [Labels.component]: component };
}

/** The labels set on an owned object: its selector labels and who manages it. */
export function objectLabels(memcachedName: string, component: Component): Record<string, string> {
  return { ...selectorLabels(memcachedName, component), [Labels.managedBy]: OperatorName };
}
