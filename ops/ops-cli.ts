/**
 * `npm run ops`: a live view of the running stack, refreshed every 2 s: each pm2 worker (pid,
 * status, readiness, CPU, memory, restarts, uptime, req/s), request rate, 5xx share, p50/p95
 * latency, failed logins per minute, nginx's connections.
 *   --once          print one view and exit (rates over a 1 s window)
 *   --json          with --once: the snapshot as JSON, for scripts
 *   --url <url>     another stack's metrics endpoint (its workers then come from the metrics alone)
 *   --prometheus <url>  a deployed stack through its Prometheus (the Swarm target's): every
 *                   task's workers, from Prometheus's federation of what it last scraped
 *   --interval <s>  seconds between refreshes (default 2)
 * Exit status with --once: 0, or 3 when the stack is not running.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { runInFrame } from '../settings/index.ts';
import { listWorkers, type Worker } from '../stack/pm2-cluster.ts';
import { readStackSettings } from '../stack/stack-settings.ts';
import { buildSnapshot, federationOf, scrape, type Scrape, type Snapshot } from './ops-snapshot.ts';
import { prometheusRates, type PrometheusRates } from './prometheus-rates.ts';
import { renderView } from './ops-view.ts';

const usage =
  'usage: npm run ops -- [--once [--json]] [--url <metrics url> | --prometheus <url> [--window <1m>]] [--interval <seconds>]';

function options() {
  const { values } = parseArgs({
    options: {
      once: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      url: { type: 'string' },
      prometheus: { type: 'string' },
      // The span of Prometheus's rate(): at least two of its scrapes (15 s apart by default).
      window: { type: 'string', default: '1m' },
      interval: { type: 'string', default: '2' },
    },
  });
  const interval = Number(values.interval);
  if (!(interval >= 0.5 && interval <= 60))
    throw new Error(`--interval: expected 0.5 to 60 seconds\n${usage}`);
  if (values.json && !values.once) throw new Error(`--json goes with --once\n${usage}`);
  if (values.url !== undefined && values.prometheus !== undefined)
    throw new Error(`--url or --prometheus, not both\n${usage}`);
  if (!/^\d+[smh]$/.test(values.window))
    throw new Error(`--window: expected a span such as 30s, 1m or 5m\n${usage}`);
  return { ...values, interval };
}

interface Sources {
  metricsUrl: string;
  /** Prometheus's own rates, for a stack read through it. */
  rates?: () => Promise<PrometheusRates>;
  /** pm2's view of the local stack's workers; undefined for a stack elsewhere (--url). */
  workers: () => Worker[] | undefined;
}

/**
 * The scrapes rates are taken between: the latest, and the one before it. Prometheus's federation
 * answers the same scrape until it makes the next, so an unchanged one does not replace them.
 */
class Scrapes {
  latest: Scrape | undefined;
  earlier: Scrape | undefined;
  /** What `current` is compared with. */
  before(current: Scrape): Scrape | undefined {
    return current.at === this.latest?.at ? this.earlier : this.latest;
  }
  add(current: Scrape | undefined): void {
    if (current === undefined || current.at === this.latest?.at) return;
    this.earlier = this.latest;
    this.latest = current;
  }
}

async function take(
  sources: Sources,
  scrapes: Scrapes,
): Promise<{ snapshot: Snapshot; current?: Scrape }> {
  let current: Scrape | undefined;
  let problem: string | null = null;
  try {
    current = await scrape(sources.metricsUrl);
  } catch (error) {
    problem = `metrics: ${(error as Error).message}`;
  }
  let rates: PrometheusRates | undefined;
  try {
    rates = await sources.rates?.();
  } catch (error) {
    problem = [problem, `rates: ${(error as Error).message}`].filter(Boolean).join('; ');
  }
  let workers: Worker[] | undefined;
  try {
    workers = sources.workers();
  } catch (error) {
    // pm2 not answering is worth saying, not worth stopping the view for.
    problem = [problem, `pm2: ${(error as Error).message.split('\n')[0] ?? ''}`]
      .filter(Boolean)
      .join('; ');
  }
  return {
    snapshot: buildSnapshot(
      sources.metricsUrl,
      current,
      current && scrapes.before(current),
      workers,
      problem,
      rates,
    ),
    current,
  };
}

async function main(): Promise<void> {
  const opts = options();
  const local = opts.url === undefined && opts.prometheus === undefined;
  const sources: Sources = {
    metricsUrl:
      opts.url ??
      (opts.prometheus === undefined
        ? `http://127.0.0.1:${readStackSettings().metricsPort}/metrics`
        : federationOf(opts.prometheus)),
    workers: () => (local ? listWorkers() : undefined),
    ...(opts.prometheus === undefined
      ? {}
      : { rates: () => prometheusRates(opts.prometheus ?? '', opts.window) }),
  };

  const scrapes = new Scrapes();
  if (opts.once) {
    let taken = await take(sources, scrapes);
    scrapes.add(taken.current);
    // Rates between scrapes need a second one, a second later; Prometheus has its own.
    const deadline = Date.now() + 60_000;
    while (
      opts.prometheus === undefined &&
      taken.current &&
      scrapes.earlier === undefined &&
      Date.now() < deadline
    ) {
      await sleep(1000);
      taken = await take(sources, scrapes);
      scrapes.add(taken.current);
    }
    const { snapshot } = taken;
    if (opts.json) process.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
    else process.stdout.write(`${renderView(snapshot, opts.interval).join('\n')}\n`);
    if (!snapshot.running) process.exitCode = 3;
    return;
  }

  const leave = () => {
    process.stdout.write('\x1b[?25h\n');
    process.exit(0);
  };
  process.on('SIGINT', leave);
  process.on('SIGTERM', leave);
  process.stdout.write('\x1b[?25l\x1b[2J'); // hide the cursor, clear the screen once
  for (;;) {
    const { snapshot, current } = await take(sources, scrapes);
    scrapes.add(current);
    // Home, draw each line over the last frame's, clear what is left below.
    const lines = renderView(snapshot, opts.interval).map((line) => `${line}\x1b[K`);
    process.stdout.write(`\x1b[H${lines.join('\n')}\n\x1b[J`);
    await sleep(opts.interval * 1000);
  }
}

await runInFrame({ prefix: 'ops: ', exitCodeOf: () => 1 }, main);
