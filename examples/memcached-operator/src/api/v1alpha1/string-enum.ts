import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox';

/**
 * A string restricted to `values`, rendered as `{type: string, enum: [...]}`.
 *
 * TypeBox's `Union(Literal...)` renders as `anyOf`, which a structural CRD schema accepts but `kubectl explain` and
 * OpenAPI clients show poorly; a plain `enum` is what controller-gen emits for `+kubebuilder:validation:Enum`.
 */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}
