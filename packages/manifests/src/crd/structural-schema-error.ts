/**
 * A schema that cannot become a structural CRD schema, with the field it is about.
 *
 * The API server would reject such a CRD (or silently prune data); failing at generation time names the TypeScript
 * field instead of a line of generated YAML.
 */
export class StructuralSchemaError extends Error {
  override readonly name = 'StructuralSchemaError';

  /**
   * @param resource - the resource the schema belongs to, e.g. `memcacheds.cache.spoke.dev/v1alpha1`
   * @param path - the field path in the object, e.g. `.spec.proxy.engine` (`.` is the root)
   * @param reason - what is wrong there
   */
  constructor(
    readonly resource: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${resource} schema at ${path}: ${reason}`);
  }
}
