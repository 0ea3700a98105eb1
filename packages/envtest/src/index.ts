export { ControlPlane } from './control-plane.js';
export type {
  ComponentInfo,
  ControlPlaneOptions,
  InstalledWebhookOptions,
  WebhookInstallOptions,
  RestartApiServerOptions,
  UserIdentity,
} from './control-plane-options.js';
export { eventually, waitFor, type EventuallyOptions, type WaitForOptions } from './wait-for.js';
export { freePorts } from './free-ports.js';
export * from './assets/index.js';
