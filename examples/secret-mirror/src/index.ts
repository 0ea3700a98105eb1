/** The manager README's tutorial controller, compiled: for tests and `make bench`. */
export { SecretMirrorController } from './secret-mirror-controller.js';
