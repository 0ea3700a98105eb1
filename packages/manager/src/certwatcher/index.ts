/** Certificate files kept current while they change on disk, as controller-runtime's `certwatcher`. */
export { CertWatcher, type CertWatcherOptions, type CertificatePair } from './cert-watcher.js';
