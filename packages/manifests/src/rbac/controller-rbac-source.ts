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
  /** The reconciled kind: read, and its finalizers written. */
  readonly for: RbacKind;
  /** Kinds the controller creates with an owner reference to its `for` object: read. */
  readonly owns?: readonly RbacKind[];
  /** Other kinds whose changes map to reconcile requests: read. */
  readonly watches?: readonly { readonly kind: RbacKind }[];
  /**
   * What the controller writes: a kind (create, update, patch, delete), or a kind's status subresource
   * (`{ kind, subresource: 'status' }`: get, update, patch of `<plural>/status`). Absent: nothing.
   */
  readonly writes?: RbacWriteTarget | readonly RbacWriteTarget[];
}

/** A kind, or a kind's status subresource, as `@Controller`'s `writes` declares it. */
export type RbacWriteTarget = RbacKind | { readonly kind: RbacKind; readonly subresource: 'status' };
