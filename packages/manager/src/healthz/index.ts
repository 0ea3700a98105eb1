export { type Checker, ping } from './checker.js';
export { probeHandler, type Checks } from './probe-handler.js';
