import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costMethods, costOf, projectedRps, shapes } from '../../report/capacity-projection.ts';
import type { CapacityFinding, CapacityStep, CpuCost } from '../../report/results.ts';

/** A 3 s step in which every request cost `us` µs, over a fixed `fixedS` s (setup's login, idle work). */
function step(rps: number, us: number, passed: boolean, fixedS = 0.2): CapacityStep {
  const requests = rps * 3;
  const seconds = (share: number) => fixedS * share + (requests * us * share) / 1e6;
  return {
    offered_rps: rps,
    achieved_rps: rps,
    p95_ms: 1,
    p99_ms: 1,
    error_rate: 0,
    passed,
    failed_on: passed ? null : 'latency',
    k6_cpu_share: 0.5,
    target_cpu: {
      requests,
      wall_s: 4,
      total_s: seconds(1),
      app_s: seconds(0.75),
      nginx_s: seconds(0.25),
      js_s: seconds(0.5),
    },
  };
}

const finding = (steps: CapacityStep[]): CapacityFinding => ({
  rps: null,
  p95_ms: null,
  p99_ms: null,
  stopped_by: '',
  k6_limited: false,
  steps,
});

const cost = (total: number, js: number): CpuCost => ({
  method: 'slope',
  steps: 3,
  at_rps: 1000,
  per_request: { total_us: total, app_us: total, nginx_us: 0, js_us: js },
  requests_per_core_second: Math.round(1e6 / total),
  k6_cpu_share: 0.5,
});

describe('the CPU a request costs', () => {
  it('is the slope through the passing steps, leaving out what every step spends alike', () => {
    const found = costOf(
      finding([
        step(200, 100, true),
        step(400, 100, true),
        step(800, 100, true),
        step(1600, 300, false),
      ]),
      'slope',
    );
    // 0.2 s a step would add 333 µs to each of 200 × 3 requests if divided instead.
    assert.deepEqual(found?.per_request, { total_us: 100, app_us: 75, nginx_us: 25, js_us: 50 });
    assert.equal(found.method, 'slope');
    assert.equal(found.requests_per_core_second, 10_000);
    assert.equal(found.steps, 3);
    assert.equal(found.at_rps, 800);
  });

  it('is the top step’s CPU over its requests where fewer than three passed, or the first’s where none did', () => {
    const one = costOf(
      finding([step(200, 300, true, 0), step(400, 100, true, 0), step(800, 900, false, 0)]),
      'slope',
    );
    assert.equal(one?.per_request.total_us, 100);
    assert.equal(one.steps, 1);
    assert.equal(one.method, 'top step');
    assert.equal(one.at_rps, 400);
    const none = costOf(finding([step(200, 700, false, 0)]), 'slope');
    assert.equal(none?.per_request.total_us, 700);
  });

  it('is all the passing steps’ CPU over all their requests for the mixed blend, whose logins vary by step', () => {
    // 40 ms, then 20 ms, then 60 ms a request, as the logins fall: pooled, 45 ms.
    const steps = [
      step(10, 40_000, true, 0),
      step(20, 20_000, true, 0),
      step(40, 60_000, true, 0),
      step(80, 90_000, false, 0),
    ];
    const pooled = costOf(finding(steps), costMethods.mixed);
    assert.equal(pooled?.method, 'pooled');
    assert.equal(pooled.per_request.total_us, 45_714);
    assert.equal(pooled.steps, 3);
  });

  it('keeps each part within the whole, where slopes drawn apart cross by noise', () => {
    const steps = [step(200, 100, true), step(400, 100, true), step(800, 100, true)];
    const last = steps[2]?.target_cpu;
    assert.ok(last);
    last.js_s += 0.05; // the JavaScript thread's slope now steeper than the total's
    const us = costOf(finding(steps), 'slope')?.per_request;
    assert.ok(us && us.js_us <= us.app_us && us.app_us <= us.total_us, JSON.stringify(us));
  });

  it('is unknown where no step saw the target’s processes (a --target stack)', () => {
    assert.equal(costOf(finding([{ ...step(200, 100, true), target_cpu: null }]), 'slope'), null);
  });
});

describe('the projection to N cores', () => {
  it('gives the stack every core: N × 10⁶ ÷ the total µs of workers and nginx', () => {
    assert.equal(projectedRps(shapes.prod, cost(125, 60), 8), 64_000);
    assert.equal(projectedRps(shapes.prod, cost(125, 60), 2), 16_000);
  });

  it('holds the dev server to one core for its JavaScript, whatever the host', () => {
    // 50 µs of JavaScript a request: 20,000 a second on its one thread, on 2 cores or 64.
    assert.equal(projectedRps(shapes.dev, cost(60, 50), 2), 20_000);
    assert.equal(projectedRps(shapes.dev, cost(60, 50), 64), 20_000);
  });

  it('lets the dev server’s password hashes use libuv’s four threads beside it, and no more', () => {
    // Logins: 50,000 µs of scrypt on the pool, 1,000 µs of JavaScript.
    assert.equal(projectedRps(shapes.dev, cost(51_000, 1000), 1), 19);
    assert.equal(projectedRps(shapes.dev, cost(51_000, 1000), 8), 98); // 5 cores of 8
    assert.equal(projectedRps(shapes.prod, cost(51_000, 1000), 8), 156);
  });
});
