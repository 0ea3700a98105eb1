export {
  boolFlag,
  intFlag,
  stringFlag,
  valueFlag,
  type FlagDefinition,
  type FlagDefinitions,
  type FlagKind,
  type FlagValues,
} from './flag-definition.js';
export {
  parseManagerFlags,
  parseManagerFlagsOrExit,
  type ManagerFlagDefaults,
  type ManagerFlags,
  type ParsedManagerFlags,
  type ParseManagerFlagsOptions,
  type ParseManagerFlagsOrExitOptions,
  type ParseManagerFlagsResult,
} from './manager-flags.js';
export type { ZapEncoder, ZapFlags, ZapLevel, ZapTimeEncoding } from './zap-flags.js';
export { newLoggerFromFlags, winstonLevelOfZap } from './new-logger-from-flags.js';
export {
  managerOptionsFromFlags,
  type ManagerOptionsFromFlags,
  type ManagerOptionsFromFlagsOptions,
} from './manager-options-from-flags.js';
export {
  KubeConfigError,
  loadKubeConfig,
  type LoadKubeConfigOptions,
} from '../kubeconfig/load-kube-config.js';
