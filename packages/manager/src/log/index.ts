export { newLogger, type LoggerOptions } from './new-logger.js';
export { gateDisabledLevels } from './gate-disabled-levels.js';
