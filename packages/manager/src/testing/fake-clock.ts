import type { Clock, ClockTimer } from '../clock/clock.js';

interface PendingTimer extends ClockTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A {@link Clock} that only moves when told to, for tests of delays, backoff and leases. {@link step} lets time
 * pass (both readings advance, due timers fire); {@link jumpWall} sets the wall clock as an NTP step would (only
 * `now()` moves, no timer fires), to prove that durations are measured on the monotonic clock.
 */
export class FakeClock implements Clock {
  private readonly wallStart: number;
  private elapsed = 0;
  private wallOffset = 0;
  private seq = 0;
  private readonly timers = new Set<PendingTimer>();

  /** `startMs` is the initial wall time; monotonic time starts at 0. */
  constructor(startMs = 1_700_000_000_000) {
    this.wallStart = startMs;
  }

  now(): number {
    return this.wallStart + this.elapsed + this.wallOffset;
  }

  monotonicNow(): number {
    return this.elapsed;
  }

  setTimeout(fn: () => void, delayMs: number): ClockTimer {
    const timer: PendingTimer = { at: this.elapsed + Math.max(0, delayMs), seq: this.seq++, fn };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers.delete(timer as PendingTimer);
  }

  /** Lets `ms` pass, firing due timers in order (each at its own due time). */
  step(ms: number): void {
    const target = this.elapsed + ms;
    for (;;) {
      let next: PendingTimer | undefined;
      for (const t of this.timers) {
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.timers.delete(next);
      this.elapsed = Math.max(this.elapsed, next.at);
      next.fn();
    }
    this.elapsed = target;
  }

  /** Sets the wall clock `ms` forward (or back, if negative) without letting any time pass. */
  jumpWall(ms: number): void {
    this.wallOffset += ms;
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.size;
  }
}
