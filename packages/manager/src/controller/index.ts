export { Controller, getControllerMetadata, type ReconcilerClass } from './controller-decorator.js';
export {
  watch,
  isStatusWriteTarget,
  resolveWriteTarget,
  type StatusWriteTarget,
  type WriteTarget,
  type ControllerOptions,
  type ControllerMetadata,
  type WatchSpec,
} from './controller-options.js';
