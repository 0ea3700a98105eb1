export { Controller, getControllerMetadata, type ReconcilerClass } from './controller-decorator.js';
export {
  watch,
  type ControllerOptions,
  type ControllerMetadata,
  type WatchSpec,
} from './controller-options.js';
