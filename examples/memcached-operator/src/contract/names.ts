/** The headless Service of the servers has the Memcached's name, so pod DNS is `<name>-N.<name>.<ns>.svc`. */
export function serverServiceName(memcachedName: string): string {
  return memcachedName;
}

/** The StatefulSet of the servers: its pods `<name>-0..N-1` are the names on the hash ring. */
export function statefulSetName(memcachedName: string): string {
  return memcachedName;
}

/** The proxy Deployment and the Service clients connect to. */
export function proxyName(memcachedName: string): string {
  return `${memcachedName}-proxy`;
}
