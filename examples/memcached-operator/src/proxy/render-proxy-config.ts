import type { ProxyEngine, Topology } from '../api/v1beta1/index.js';
import { sortBackends, type Backend } from './backend.js';
import { configHash } from './config-hash.js';
import { renderMcrouterConfig } from './render-mcrouter-config.js';
import { renderTwemproxyConfig, type ListenAddress } from './render-twemproxy-config.js';

/** The port clients use, on the proxy as on the servers: the memcached default. */
export const MemcachedPort = 11211;

/** The ConfigMap key each engine reads its config from (mounted at {@link ProxyConfigDir}). */
export const ProxyConfigFileName: Readonly<Record<ProxyEngine, string>> = {
  Twemproxy: 'nutcracker.yml',
  Mcrouter: 'mcrouter.json',
};

/** Where the proxy container mounts the ConfigMap. */
export const ProxyConfigDir = '/etc/spoke-proxy';

/** What a proxy config is rendered from. */
export interface ProxyConfigInput {
  readonly engine: ProxyEngine;
  readonly topology: Topology;
  readonly backends: Iterable<Backend>;
  /** Default `0.0.0.0:11211`, the proxy pod's port. */
  readonly listen?: ListenAddress;
}

/** A rendered proxy config: the ConfigMap data and its content hash. */
export interface ProxyConfig {
  readonly engine: ProxyEngine;
  readonly topology: Topology;
  /** The servers in ring order, as rendered. */
  readonly backends: readonly Backend[];
  /** The ConfigMap's `data`: one file, named for the engine. */
  readonly data: Readonly<Record<string, string>>;
  /** {@link configHash} of `data`: names the ConfigMap, so equal inputs give the same name. */
  readonly hash: string;
}

/**
 * Renders the proxy config for a set of backends. Pure: the same engine, topology and set of backends (in any
 * order) give byte-identical data and the same hash, so unchanged endpoints never produce a new ConfigMap.
 */
export function renderProxyConfig(input: ProxyConfigInput): ProxyConfig {
  const backends = sortBackends(input.backends);
  const listen = input.listen ?? { host: '0.0.0.0', port: MemcachedPort };
  let content: string;
  if (input.engine === 'Twemproxy') {
    // The CRD rejects this combination; a spec that slipped past it (an old CRD) must not get a sharded config.
    if (input.topology !== 'Sharded')
      throw new Error('twemproxy cannot serve topology Replicated: it does not replicate writes');
    content = renderTwemproxyConfig(backends, listen);
  } else {
    content = renderMcrouterConfig(backends, input.topology);
  }
  const data = { [ProxyConfigFileName[input.engine]]: content };
  return { engine: input.engine, topology: input.topology, backends, data, hash: configHash(data) };
}

/** `<memcached>-proxy-<hash>`: the name of the immutable ConfigMap holding one rendered config. */
export function proxyConfigMapName(memcachedName: string, hash: string): string {
  return `${memcachedName}-proxy-${hash}`;
}
