import type { Clock } from '../../src/clock.ts';

/** A clock that stands still until the test moves it. */
export class FakeClock implements Clock {
  private ms: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.ms = start;
  }

  now(): number {
    return this.ms;
  }

  advanceSeconds(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
