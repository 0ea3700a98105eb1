export {
  Watcher,
  type WatcherOptions,
  type WatcherTuning,
  type ListWatchOptions,
  type WatcherPhase,
} from './watcher.js';
export type { WatcherEvent } from './watcher-event.js';
export {
  ExponentialBackoff,
  defaultWatchBackoff,
  type Backoff,
  type ExponentialBackoffOptions,
} from './backoff.js';
