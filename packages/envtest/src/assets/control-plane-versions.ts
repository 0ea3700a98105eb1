import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The directory shipped with this package that pins and builds the control plane: `versions.env`, `build.sh` and
 * the Go modules (`kubernetes/`, `kwok/`) with their `go.sum`. Resolved from this file, so it works the same in the
 * Spoke repository and in an installed package (`dist/src/assets/` → `control-plane/`).
 */
export const controlPlaneSourceDir = fileURLToPath(new URL('../../../control-plane/', import.meta.url));

/** The component versions the control plane is built at, from `control-plane/versions.env`. */
export interface ControlPlaneVersions {
  /** e.g. `v1.33.13`: kube-apiserver, kube-controller-manager and kube-scheduler. */
  readonly kubernetes: string;
  /** e.g. `v3.5.21`. */
  readonly etcd: string;
  /** e.g. `v0.7.0`. */
  readonly kwok: string;
}

/** Reads `versions.env` (`KEY=VALUE` lines, `#` comments), as build.sh sources it. */
export function readControlPlaneVersions(
  file: string = `${controlPlaneSourceDir}versions.env`,
): ControlPlaneVersions {
  const values = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Z_]+)=(\S+)\s*$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) values.set(match[1], match[2]);
  }
  const get = (key: string): string => {
    const value = values.get(key);
    if (value === undefined) throw new Error(`envtest: ${file} sets no ${key}`);
    return value;
  };
  return { kubernetes: get('KUBERNETES_VERSION'), etcd: get('ETCD_VERSION'), kwok: get('KWOK_VERSION') };
}

/**
 * The name of a set's directory in the user cache, e.g. `k8s-v1.33.13_etcd-v3.5.21_kwok-v0.7.0`: only the
 * versions, exactly as build.sh names it, so every copy of the build files shares one cache.
 */
export function assetSetId(versions: ControlPlaneVersions): string {
  return `k8s-${versions.kubernetes}_etcd-${versions.etcd}_kwok-${versions.kwok}`;
}
