import type { Clock } from '../../src/clock.ts';

/** A clock that stands still until the test moves it. */
export class FakeClock implements Clock {
  protected movedMs = 0;
  private readonly startMs: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.startMs = start;
  }

  now(): number {
    return this.startMs + this.movedMs;
  }

  advanceSeconds(seconds: number): void {
    this.movedMs += seconds * 1000;
  }
}

/** The machine's time, still movable: for tests that meet servers on the real clock (Django's). */
export class WallClock extends FakeClock {
  override now(): number {
    return Date.now() + this.movedMs;
  }
}
