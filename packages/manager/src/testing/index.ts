/** Test doubles for code built on the framework: no API server is faked here (use @spoke/envtest for that). */
export { FakeClock } from './fake-clock.js';
