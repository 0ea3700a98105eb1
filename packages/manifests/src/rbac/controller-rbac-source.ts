/** What RBAC needs to know of a kind: its API group (`''` for core) and its REST plural. */
export interface RbacKind {
  readonly group: string;
  readonly plural: string;
  readonly kind: string;
}

/**
 * What a controller declares about the API it uses: structurally the options of `@Controller(...)` from
 * `@spoke/manager`, so the metadata `getControllerMetadata(cls)` returns can be passed as it is.
 */
export interface ControllerRbacSource {
  readonly name: string;
  /** The reconciled kind: read, and its status and finalizers written. */
  readonly for: RbacKind;
  /** Kinds the controller creates with an owner reference to its `for` object: read. */
  readonly owns?: readonly RbacKind[];
  /** Other kinds whose changes map to reconcile requests: read. */
  readonly watches?: readonly { readonly kind: RbacKind }[];
  /** The kind the controller writes (create, update, patch, delete); absent when it writes only status. */
  readonly writes?: RbacKind | readonly RbacKind[];
}
