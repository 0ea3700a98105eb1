/**
 * `@spoke/envtest/assets`: where the control-plane binaries are and how to build them, without loading the
 * control plane itself (or `@kubernetes/client-node`): what `spoke envtest use` runs.
 */
export {
  controlPlaneSourceDir,
  readControlPlaneVersions,
  assetSetId,
  type ControlPlaneVersions,
} from './control-plane-versions.js';
export {
  allBinaries,
  apiServerBinaries,
  locateAssets,
  missingBinaries,
  requireBinaries,
  userCacheDir,
  type AssetsEnvironment,
  type AssetsLocation,
  type AssetsSource,
  type ComponentBinary,
  type LocateAssetsOptions,
} from './locate-assets.js';
export { buildAssets, type BuildAssetsOptions } from './build-assets.js';
