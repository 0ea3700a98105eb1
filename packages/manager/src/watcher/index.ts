export {
  Watcher,
  type WatcherOptions,
  type WatcherTuning,
  type ListWatchOptions,
  type WatcherPhase,
} from './watcher.js';
export type { WatcherEvent } from './watcher-event.js';
export {
  RestListWatchSource,
  type ListWatchSource,
  type ListRequest,
  type ListResponse,
  type WatchRequest,
  type WatchLines,
  type RestListWatchOptions,
} from './list-watch-source.js';
export type { StreamRead } from './watch-stream.js';
export {
  ExponentialBackoff,
  defaultWatchBackoff,
  type Backoff,
  type ExponentialBackoffOptions,
} from './backoff.js';
