import type { ControllerRbacSource, RbacKind, RbacWriteTarget } from './controller-rbac-source.js';
import { normalizeRules } from './normalize-rules.js';
import type { ClusterRole, PolicyRule } from './policy-rule.js';

/** Options of {@link rbacFromControllers}. */
export interface RbacOptions {
  /** The ClusterRole's name; default `manager-role`, as kubebuilder's role_binding.yaml expects. */
  readonly roleName?: string;
}

const readVerbs = ['get', 'list', 'watch'];
const writeVerbs = ['create', 'delete', 'patch', 'update'];
/** The event recorder creates an event, then patches its count when the same event repeats. */
const eventVerbs = ['create', 'patch'];

/**
 * The manager's ClusterRole, derived from what its controllers declare — the same declaration that drives their
 * watches at run time and the single-writer client's guard, so the role cannot drift from the code:
 * - `get`/`list`/`watch` on every kind a controller reads (`for`, `owns`, `watches`): the shared informers list and
 *   watch them, and uncached reads get them;
 * - `create`/`update`/`patch`/`delete` on the kind each controller writes, and nothing else;
 * - `<plural>/status` get/update/patch for the one controller whose write target is that status;
 * - `<plural>/finalizers` update on each `for` kind, as kubebuilder scaffolds it (finalizers are the one thing any
 *   controller may write on the object it reconciles);
 * - `events` create/patch in the core and events.k8s.io groups, for the event recorder.
 * Leader election's leases are not here: they are in the namespaced leader-election Role, as in kubebuilder, so the
 * manager can take leases only in its own namespace.
 *
 * Rules are merged and sorted as controller-gen does ({@link normalizeRules}).
 */
export function rbacFromControllers(
  controllers: readonly ControllerRbacSource[],
  options: RbacOptions = {},
): ClusterRole {
  const rules: PolicyRule[] = [];
  const grant = (kind: RbacKind, verbs: readonly string[], subresource?: string): void => {
    const resource = subresource ? `${kind.plural}/${subresource}` : kind.plural;
    rules.push({ apiGroups: [kind.group], resources: [resource], verbs: [...verbs] });
  };
  for (const controller of controllers) {
    for (const kind of readKinds(controller)) grant(kind, readVerbs);
    for (const target of writeTargets(controller)) {
      if ('subresource' in target) grant(target.kind, ['get', 'patch', 'update'], target.subresource);
      else grant(target, writeVerbs);
    }
    grant(controller.for, ['update'], 'finalizers');
  }
  if (controllers.length > 0) {
    rules.push({ apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: eventVerbs });
  }
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: options.roleName ?? 'manager-role' },
    rules: normalizeRules(rules),
  };
}

function readKinds(controller: ControllerRbacSource): RbacKind[] {
  return [
    controller.for,
    ...(controller.owns ?? []),
    ...(controller.watches ?? []).map((watch) => watch.kind),
  ];
}

function writeTargets(controller: ControllerRbacSource): readonly RbacWriteTarget[] {
  const writes = controller.writes;
  if (writes === undefined) return [];
  return isTargetList(writes) ? writes : [writes];
}

function isTargetList(
  writes: RbacWriteTarget | readonly RbacWriteTarget[],
): writes is readonly RbacWriteTarget[] {
  return Array.isArray(writes);
}
