/** A file the scaffold creates. */
export interface NewFile {
  readonly kind: 'new';
  /** Relative to the project root, with `/`. */
  readonly path: string;
  readonly content: string;
  /**
   * `refuse` (user code: a file that exists stops the whole scaffold) or `skip` (shared scaffolding that an earlier
   * run wrote, e.g. a group's `groupversion-info.ts`: kept as it is).
   */
  readonly ifExists: 'refuse' | 'skip';
  /** Made executable (e.g. `src/cmd/main.ts` is not; a script would be). Default false. */
  readonly executable?: boolean;
}

/**
 * Lines added to a file the user owns, just above a marker line (`// +spoke:scaffold:controllers`), indented as the
 * marker. A line already in the file is not added again, so re-running adds nothing twice.
 */
export interface Insertion {
  readonly kind: 'insert';
  readonly path: string;
  readonly marker: string;
  readonly lines: readonly string[];
}

/**
 * A section of a file the user owns that the scaffold wrote commented out (kubebuilder's `[WEBHOOK]` sections of
 * config/default/kustomization.yaml), enabled by removing its comment prefix, as kubebuilder's `UncommentCode`.
 * Enabled already: nothing to do; neither commented nor enabled: the scaffold stops, naming the section.
 */
export interface Uncomment {
  readonly kind: 'uncomment';
  readonly path: string;
  /** The section as it reads once enabled, several lines; each is in the file with `prefix` before it. */
  readonly block: string;
  /** Default `#`. */
  readonly prefix?: string;
  /** Names the section in an error: `the [WEBHOOK] resources`. */
  readonly what: string;
}

/**
 * One line of a file the user owns replaced by another (compared trimmed; the new line keeps the old one's
 * indentation): how `create api` points `src/manifest-sources.ts` at a kind's versions once it has two. The new line
 * there already: nothing to do; neither line there: the scaffold stops, naming both.
 */
export interface ReplaceLine {
  readonly kind: 'replace-line';
  readonly path: string;
  readonly from: string;
  readonly to: string;
}

/** A file the tool owns (`PROJECT`): replaced as a whole. */
export interface Rewrite {
  readonly kind: 'rewrite';
  readonly path: string;
  readonly content: string;
}

/** One change a scaffold makes. A scaffold is a list of them, checked as a whole before any is written. */
export type ScaffoldStep = NewFile | Insertion | Uncomment | ReplaceLine | Rewrite;
