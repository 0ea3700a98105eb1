import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { assetSetId, readControlPlaneVersions, type ControlPlaneVersions } from './control-plane-versions.js';

/** The binaries of a full simulated cluster, as `control-plane/build.sh` names them. */
export type ComponentBinary =
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kwok';

/** What a control plane with `nodes: 0` runs: also all that setup-envtest's `KUBEBUILDER_ASSETS` holds. */
export const apiServerBinaries: readonly ComponentBinary[] = ['etcd', 'kube-apiserver'];

/** What a control plane with simulated nodes runs. */
export const allBinaries: readonly ComponentBinary[] = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
];

/** Where a directory of binaries came from, in lookup order; quoted in errors. */
export type AssetsSource =
  | 'the assetsDir option'
  | '$SPOKE_ASSETS'
  | '$KUBEBUILDER_ASSETS'
  | 'the user cache';

/** Where the binaries are (or would be), and how that was decided. */
export interface AssetsLocation {
  readonly dir: string;
  readonly source: AssetsSource;
}

/** The environment variables the lookup reads. */
export type AssetsEnvironment = Readonly<Record<string, string | undefined>>;

/** Options of {@link locateAssets}; the defaults are what a test process has. */
export interface LocateAssetsOptions {
  /** A directory chosen in code (`ControlPlaneOptions.assetsDir`); wins over every variable. */
  readonly assetsDir?: string | undefined;
  /** Default `process.env`: `SPOKE_ASSETS`, `KUBEBUILDER_ASSETS`, `XDG_CACHE_HOME`, `HOME`. */
  readonly env?: AssetsEnvironment;
  /** Default: this package's `control-plane/versions.env`, which names the cache directory. */
  readonly versions?: ControlPlaneVersions;
}

/**
 * The user cache of a set of binaries: `${XDG_CACHE_HOME:-~/.cache}/spoke/control-plane/<set>`, where `<set>` names
 * the versions (`k8s-v1.33.13_etcd-v3.5.21_kwok-v0.7.0`). build.sh computes the same path.
 */
export function userCacheDir(
  env: AssetsEnvironment = process.env,
  versions: ControlPlaneVersions = readControlPlaneVersions(),
): string {
  const cacheHome = nonEmpty(env['XDG_CACHE_HOME']) ?? join(nonEmpty(env['HOME']) ?? homedir(), '.cache');
  return join(cacheHome, 'spoke', 'control-plane', assetSetId(versions));
}

/**
 * Finds the binaries' directory, first match wins: the `assetsDir` option; `$SPOKE_ASSETS`; `$KUBEBUILDER_ASSETS`
 * (setup-envtest's layout: etcd and kube-apiserver, without the simulated-cluster extras); the user cache
 * ({@link userCacheDir}), where `spoke envtest use` builds them. Only decides where to look: whether the binaries
 * are there is {@link requireBinaries}' business, so that its error can say what to do for each source.
 */
export function locateAssets(options: LocateAssetsOptions = {}): AssetsLocation {
  const env = options.env ?? process.env;
  if (options.assetsDir !== undefined)
    return { dir: resolve(options.assetsDir), source: 'the assetsDir option' };
  const spoke = nonEmpty(env['SPOKE_ASSETS']);
  if (spoke !== undefined) return { dir: resolve(spoke), source: '$SPOKE_ASSETS' };
  const kubebuilder = nonEmpty(env['KUBEBUILDER_ASSETS']);
  if (kubebuilder !== undefined) return { dir: resolve(kubebuilder), source: '$KUBEBUILDER_ASSETS' };
  return { dir: userCacheDir(env, options.versions), source: 'the user cache' };
}

/** The names in `names` that are not executable files in the location's directory. */
export function missingBinaries<Name extends ComponentBinary>(
  location: AssetsLocation,
  names: readonly Name[],
): Name[] {
  return names.filter((name) => !isExecutable(join(location.dir, name)));
}

/**
 * The path of each named binary; or an error that names the missing ones, the directory, where that directory
 * came from, and what to do about it.
 */
export function requireBinaries<Name extends ComponentBinary>(
  location: AssetsLocation,
  names: readonly Name[],
): Record<Name, string> {
  const missing = missingBinaries(location, names);
  if (missing.length > 0) throw new Error(missingBinariesMessage(location, missing));
  return Object.fromEntries(names.map((name) => [name, join(location.dir, name)])) as Record<Name, string>;
}

function missingBinariesMessage(location: AssetsLocation, missing: readonly ComponentBinary[]): string {
  const what = `envtest: missing ${missing.join(', ')} in ${location.dir}`;
  const extras = missing.filter((name) => !apiServerBinaries.includes(name));
  switch (location.source) {
    case '$KUBEBUILDER_ASSETS':
      if (extras.length === missing.length) {
        return (
          `${what} (from $KUBEBUILDER_ASSETS, setup-envtest's layout, which has only etcd and kube-apiserver): ` +
          'a control plane with nodes needs them too; run `npx spoke envtest use` to build the full set, and set ' +
          'SPOKE_ASSETS to the directory it prints (SPOKE_ASSETS wins over KUBEBUILDER_ASSETS)'
        );
      }
      return (
        `${what} (from $KUBEBUILDER_ASSETS): fill it with \`setup-envtest use -p path\`, or unset ` +
        'KUBEBUILDER_ASSETS and run `npx spoke envtest use` to build the binaries into the user cache'
      );
    case 'the user cache':
      return (
        `${what} (the user cache; neither SPOKE_ASSETS nor KUBEBUILDER_ASSETS is set): run \`npx spoke envtest use\` ` +
        'once to build them there from the Go module proxy (needs Go; in the Spoke repository `make control-plane` ' +
        'does it), or set SPOKE_ASSETS to a directory that holds them'
      );
    case '$SPOKE_ASSETS':
    case 'the assetsDir option':
      return (
        `${what} (from ${location.source}): build them there with ` +
        `\`SPOKE_ASSETS=${location.dir} npx spoke envtest use\`, or point it at a directory that holds them`
      );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
