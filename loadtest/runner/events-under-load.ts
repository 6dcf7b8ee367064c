/**
 * A deploy and a crash under steady load (k6/experiments/steady-traffic.ts): the runner starts
 * the traffic, does the thing a third of the way in, and reads every request k6 made from its
 * CSV. A request failed when it got no answer (refused connection, timeout) or a 5xx; the gap is
 * the longest time without a successful answer; recovery is the time from the kill to the next.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CrashFigures, DeployFigures, EventTimeline } from '../report/results.ts';
import { k6ErrorMessage, runK6, type K6Outcome } from './run-k6.ts';
import { readSamples, readSummaryMetrics } from './scenario-result.ts';

export interface SteadyLoad {
  k6: string;
  url: string;
  outDir: string;
  env: NodeJS.ProcessEnv;
  seconds: number;
  rate: number;
}

interface Sample {
  ms: number;
  method: string;
  ok: boolean;
  failed: boolean;
}

/** The http_reqs rows of k6's CSV: when, and how each request ended. */
function readRequests(csvFile: string): Sample[] {
  // setup()'s logins have no scenario: only the steady traffic counts.
  return readSamples(csvFile, ['metric_name', 'timestamp', 'status', 'scenario', 'method'])
    .filter((sample) => sample.metric_name === 'http_reqs' && sample.scenario === 'steady')
    .map((sample) => {
      const status = Number(sample.status || 0);
      return {
        ms: Number(sample.timestamp),
        method: sample.method,
        ok: status >= 200 && status < 500,
        failed: status === 0 || status >= 500,
      };
    })
    .sort((a, b) => a.ms - b.ms);
}

function timeline(samples: Sample[], eventMs: number, event: string): EventTimeline {
  const start = samples[0]?.ms ?? eventMs;
  const buckets = new Map<number, { ok: number; failed: number }>();
  for (const sample of samples) {
    const t = Math.floor((sample.ms - start) / 250) * 250;
    const bucket = buckets.get(t) ?? { ok: 0, failed: 0 };
    if (sample.failed) bucket.failed += 1;
    else bucket.ok += 1;
    buckets.set(t, bucket);
  }
  const last = Math.max(0, ...buckets.keys());
  return {
    event_ms: eventMs - start,
    event,
    buckets: Array.from({ length: last / 250 + 1 }, (_, i) => ({
      t_ms: i * 250,
      ...(buckets.get(i * 250) ?? { ok: 0, failed: 0 }),
    })),
  };
}

/** The longest stretch without a successful answer, from the first request to the last. */
function longestGapMs(samples: Sample[]): number {
  let previous = samples[0]?.ms ?? 0;
  let longest = 0;
  for (const sample of samples) {
    if (!sample.ok) continue;
    longest = Math.max(longest, sample.ms - previous);
    previous = sample.ms;
  }
  return Math.max(longest, (samples.at(-1)?.ms ?? previous) - previous);
}

/**
 * setup() logs every virtual user in first (scrypt at production cost, seconds): the traffic has
 * started once k6's CSV, written every second, holds a request of the steady scenario.
 */
async function trafficStarted(csvFile: string, k6: Promise<K6Outcome>): Promise<void> {
  let exited: K6Outcome | undefined;
  void k6.then((outcome) => (exited = outcome));
  for (let waited = 0; waited < 60_000; waited += 200) {
    if (existsSync(csvFile) && readFileSync(csvFile, 'utf8').includes(',steady,')) return;
    if (exited) {
      throw new Error(
        `k6 stopped before the steady traffic began: ${k6ErrorMessage(exited.stderr) ?? 'no output'}`,
      );
    }
    await sleep(200);
  }
  throw new Error(`k6 did not start the steady traffic within a minute (${csvFile})`);
}

/** Runs the steady traffic and `act` a third of the way in; returns the requests and when it acted. */
async function underLoad(load: SteadyLoad, name: string, act: () => Promise<void>) {
  mkdirSync(load.outDir, { recursive: true });
  const run = runK6(load.k6, {
    script: 'experiments/steady-traffic.ts',
    name,
    url: load.url,
    outDir: load.outDir,
    timeSeries: true,
    totalSeconds: load.seconds,
    env: { ...load.env, LOADTEST_RATE: String(load.rate), LOADTEST_DURATION: `${load.seconds}s` },
  });
  await trafficStarted(join(load.outDir, `samples-${name}.csv`), run);
  await sleep((load.seconds * 1000) / 3);
  const eventMs = Date.now();
  await act();
  const outcome = await run;
  if (!outcome.csvFile) throw new Error('k6 wrote no CSV');
  return {
    samples: readRequests(outcome.csvFile),
    eventMs,
    chainsBroken:
      readSummaryMetrics(outcome.summaryFile).kit_refresh_chains_broken?.values.count ?? 0,
  };
}

export async function deployUnderLoad(
  load: SteadyLoad,
  deploy: () => Promise<void>,
  event: string,
): Promise<DeployFigures> {
  const { samples, eventMs } = await underLoad(load, 'deploy', deploy);
  return {
    requests: samples.length,
    failed: samples.filter((s) => s.failed).length,
    longest_gap_ms: longestGapMs(samples),
    timeline: timeline(samples, eventMs, event),
  };
}

/** How far from the kill a failed request may be and still have been in flight at it. */
const inFlightWindowMs = 1000;

export async function crashUnderLoad(
  load: SteadyLoad,
  kill: () => Promise<void>,
  event: string,
): Promise<CrashFigures> {
  const { samples, eventMs, chainsBroken } = await underLoad(load, 'crash', kill);
  // Recovered once the failures stopped: the first answer after the last failure since the kill.
  const lastFailure = samples.findLast((s) => s.failed && s.ms >= eventMs)?.ms ?? eventMs;
  const answer = samples.find((s) => s.ok && s.ms >= lastFailure);
  // A POST that failed within a second of the kill, either side of it: in flight when it came.
  const inFlight = (s: Sample) =>
    s.failed && s.method === 'POST' && Math.abs(s.ms - eventMs) <= inFlightWindowMs;
  return {
    requests: samples.length,
    failed: samples.filter((s) => s.failed).length,
    lost_in_flight: samples.filter(inFlight).length,
    recovered_ms: answer ? answer.ms - eventMs : null,
    refresh_chains_broken: chainsBroken,
    timeline: timeline(samples, eventMs, event),
  };
}
