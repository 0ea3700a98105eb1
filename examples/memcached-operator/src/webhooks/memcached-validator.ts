import { AdmissionDenied, type CustomValidator, type ValidationResult } from '@spoke/manager';
import { resolveSpec, type Memcached } from '../api/v1beta1/index.js';

/**
 * Set to `"true"` on a Memcached to allow a scale-down that removes more than half of its servers in one step.
 * A CRD rule cannot read annotations (CEL sees only `metadata.name` of the object), so this is the webhook's rule.
 */
export const AllowCacheLossAnnotation = 'cache.spoke.dev/allow-cache-loss';

/**
 * What CEL cannot say: rules over the old and new object that read the annotations, and warnings for changes that
 * are allowed but lose cached data. The static rules stay in the CRD schema (CEL), where `kubectl explain` and
 * every client see them.
 */
export class MemcachedValidator implements CustomValidator<Memcached> {
  validateCreate(obj: Memcached): ValidationResult {
    const spec = resolveSpec(obj.spec);
    return spec.replicas === 0
      ? ['servers.replicas is 0: the proxy answers every request with a miss until servers are added']
      : undefined;
  }

  validateUpdate(oldObj: Memcached, newObj: Memcached): ValidationResult {
    const before = resolveSpec(oldObj.spec);
    const after = resolveSpec(newObj.spec);
    const warnings: string[] = [];
    const allowLoss = newObj.metadata?.annotations?.[AllowCacheLossAnnotation] === 'true';
    if (before.replicas > 1 && after.replicas * 2 < before.replicas) {
      const lost = `scaling the servers from ${before.replicas} to ${after.replicas} drops the keys of ${before.replicas - after.replicas} of them at once`;
      if (!allowLoss) {
        throw new AdmissionDenied(
          `${lost}: scale down by at most half per step, or annotate the Memcached ${AllowCacheLossAnnotation}=true`,
          { code: 422, reason: 'Invalid' },
        );
      }
      warnings.push(`${lost} (allowed by ${AllowCacheLossAnnotation})`);
    }
    if (before.topology !== after.topology) {
      warnings.push(
        `switching the topology from ${before.topology} to ${after.topology} re-maps every key: the cache starts cold`,
      );
    }
    if (before.memoryMB !== after.memoryMB || before.maxItemSizeKB !== after.maxItemSizeKB) {
      warnings.push(
        "changing the servers' memory settings restarts every server in turn: each loses its items",
      );
    }
    if (before.image !== after.image) {
      warnings.push('changing the server image restarts every server in turn: each loses its items');
    }
    return warnings.length > 0 ? warnings : undefined;
  }

  validateDelete(): ValidationResult {
    return undefined;
  }
}
