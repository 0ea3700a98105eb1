export { EventRecorder, type EventType, type EventOptions } from './event-recorder.js';
export { ApiEventRecorder, type ApiEventRecorderOptions } from './api-event-recorder.js';
