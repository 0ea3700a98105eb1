/**
 * The operator's webhooks, declared once: main.ts registers them with the manager and manifest-sources.ts exports
 * them for `make manifests` (config/webhook/manifests.yaml and the CRD's conversion stanza).
 */
import { webhookFor, type SpokeConversion } from '@spoke/manager';
import { convertFromHub, convertToHub } from '../api/conversion/memcached-conversion.js';
import { MemcachedKind as MemcachedV1alpha1Kind } from '../api/v1alpha1/memcached-kind.js';
import type { Memcached as MemcachedV1alpha1 } from '../api/v1alpha1/memcached.js';
import { MemcachedKind, type Memcached } from '../api/v1beta1/index.js';
import { MemcachedDefaulter } from './memcached-defaulter.js';
import { MemcachedValidator } from './memcached-validator.js';

export { MemcachedDefaulter } from './memcached-defaulter.js';
export { AllowCacheLossAnnotation, MemcachedValidator } from './memcached-validator.js';

const v1alpha1: SpokeConversion<Memcached, MemcachedV1alpha1> = {
  kind: MemcachedV1alpha1Kind,
  convertTo: convertToHub,
  convertFrom: convertFromHub,
};

/** Memcached v1beta1 (the hub): defaulting, validation, and conversion from and to v1alpha1. */
export const memcachedWebhooks = webhookFor(MemcachedKind, {
  defaulter: new MemcachedDefaulter(),
  validator: new MemcachedValidator(),
  spokes: [v1alpha1],
});

export const webhooks = [memcachedWebhooks];
