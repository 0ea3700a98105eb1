import { createHash } from 'node:crypto';

/** Hex characters kept from the digest: 40 bits, so two configs of one Memcached colliding is not a concern. */
export const ConfigHashLength = 10;

/**
 * A short content hash of a ConfigMap's data: sha256 over the keys in sorted order, each key and value
 * length-prefixed so that moving bytes between a key and its value changes the hash.
 */
export function configHash(data: Readonly<Record<string, string>>): string {
  const digest = createHash('sha256');
  for (const key of Object.keys(data).sort()) {
    const value = data[key] ?? '';
    digest.update(`${Buffer.byteLength(key)}:${key}${Buffer.byteLength(value)}:${value}`);
  }
  return digest.digest('hex').slice(0, ConfigHashLength);
}
