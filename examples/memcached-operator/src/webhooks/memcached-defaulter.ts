import type { AdmissionContext, CustomDefaulter } from '@spoke/manager';
import { defaultProxyImage, ProxyEngines, type Memcached, type ProxyEngine } from '../api/v1beta1/index.js';

/** The repository of each engine's pinned image, to recognise one left behind by an engine switch. */
const engineRepository = (engine: ProxyEngine): string => defaultProxyImage(engine).replace(/:[^:/]*$/, ':');

/**
 * Pins the proxy image in the object, as the CRD pins the server image: a CRD default cannot, because the image
 * depends on `proxy.engine`. Once pinned, an operator upgrade that moves the default image never rolls running
 * proxies by itself (the same promise `servers.image` keeps). An image of the other engine's pinned repository —
 * what an engine switch leaves behind when the user never set an image — is replaced by this engine's.
 */
export class MemcachedDefaulter implements CustomDefaulter<Memcached> {
  default(obj: Memcached, _ctx: AdmissionContext): void {
    obj.spec ??= {};
    const proxy = (obj.spec.proxy ??= {});
    const engine = proxy.engine ?? 'Mcrouter';
    const others = ProxyEngines.filter((e) => e !== engine);
    if (proxy.image === undefined || others.some((e) => proxy.image?.startsWith(engineRepository(e)))) {
      proxy.image = defaultProxyImage(engine);
    }
  }
}
