export { ControlPlane } from './control-plane.js';
export type { ComponentInfo, ControlPlaneOptions, UserIdentity } from './control-plane-options.js';
