import type { KubernetesObject } from '@kubernetes/client-node';
import { errorMessage } from '../internal/errors/error-message.js';
import type { ConversionRequest } from './review.js';
import type { SpokeConversion, WebhookDeclaration } from './webhook-declaration.js';

/** `response` of a ConversionReview v1. */
export interface ConversionResponse {
  readonly uid: string;
  readonly convertedObjects: readonly KubernetesObject[];
  readonly result: { readonly status: 'Success' | 'Failure'; readonly message?: string };
}

/** The conversions the server knows, by `group/Kind`: the hub's declaration. */
export type ConversionRegistry = ReadonlyMap<string, WebhookDeclaration>;

/** The registry key of a kind: its group and kind, without a version. */
export function conversionKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/**
 * Converts one object to `desiredAPIVersion` through the hub, kubebuilder's model: spoke → hub (`convertTo`), hub →
 * spoke (`convertFrom`). The result carries the desired apiVersion and the kind whatever the functions set.
 */
function convertOne(registry: ConversionRegistry, obj: KubernetesObject, desired: string): KubernetesObject {
  const from = groupVersion(obj.apiVersion ?? '');
  const to = groupVersion(desired);
  const kind = obj.kind ?? '';
  if (from.group !== to.group)
    throw new Error(`cannot convert ${obj.apiVersion ?? ''} ${kind} to another group, ${desired}`);
  const declaration = registry.get(conversionKey(from.group, kind));
  if (declaration === undefined)
    throw new Error(`no conversion is registered for ${kind} in group ${from.group}`);
  const hubVersion = declaration.kind.version;
  const spokes = declaration.handlers.spokes ?? [];
  const spokeOf = (version: string): SpokeConversion<KubernetesObject> => {
    const spoke = spokes.find((s) => s.kind.version === version);
    if (spoke === undefined)
      throw new Error(
        `${kind} version ${version} is unknown: the hub is ${hubVersion}, the spokes ${spokes.map((s) => s.kind.version).join(', ') || 'none'}`,
      );
    return spoke;
  };
  // Both versions are checked before anything runs: an unknown one is the review's fault, not a conversion's.
  const source = from.version === hubVersion ? undefined : spokeOf(from.version);
  const target = to.version === hubVersion ? undefined : spokeOf(to.version);
  if (from.version === to.version) return structuredClone(obj);
  const input = structuredClone(obj);
  const hub = source ? source.convertTo(input) : input;
  const converted = target
    ? target.convertFrom({ ...hub, apiVersion: declaration.kind.apiVersion, kind })
    : hub;
  return { ...converted, apiVersion: desired, kind };
}

/** Answers a ConversionReview: every object converted, or `Failure` with the first error (as the API server wants). */
export function convert(registry: ConversionRegistry, request: ConversionRequest): ConversionResponse {
  try {
    const convertedObjects = request.objects.map((obj) =>
      convertOne(registry, obj, request.desiredAPIVersion),
    );
    return { uid: request.uid, convertedObjects, result: { status: 'Success' } };
  } catch (err: unknown) {
    return {
      uid: request.uid,
      convertedObjects: [],
      result: { status: 'Failure', message: errorMessage(err) },
    };
  }
}
