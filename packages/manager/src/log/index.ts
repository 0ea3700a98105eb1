export { newLogger, type LoggerOptions } from './new-logger.js';
