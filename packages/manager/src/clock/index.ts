export { realClock, type Clock, type ClockTimer } from './clock.js';
