/**
 * `npm run ops`: a live view of the running stack, refreshed every 2 s: each pm2 worker (pid,
 * status, readiness, CPU, memory, restarts, uptime, req/s), request rate, 5xx share, p50/p95
 * latency, failed logins per minute, nginx's connections.
 *   --once          print one view and exit (rates over a 1 s window)
 *   --json          with --once: the snapshot as JSON, for scripts
 *   --url <url>     another stack's metrics endpoint (its workers then come from the metrics alone)
 *   --interval <s>  seconds between refreshes (default 2)
 * Exit status with --once: 0, or 3 when the stack is not running.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { listWorkers, type Worker } from '../stack/pm2-cluster.ts';
import { readStackSettings } from '../stack/stack-settings.ts';
import { buildSnapshot, scrape, type Scrape, type Snapshot } from './ops-snapshot.ts';
import { renderView } from './ops-view.ts';

const usage =
  'usage: npm run ops -- [--once [--json]] [--url <metrics url>] [--interval <seconds>]';

function options() {
  const { values } = parseArgs({
    options: {
      once: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      url: { type: 'string' },
      interval: { type: 'string', default: '2' },
    },
  });
  const interval = Number(values.interval);
  if (!(interval >= 0.5 && interval <= 60))
    throw new Error(`--interval: expected 0.5 to 60 seconds\n${usage}`);
  if (values.json && !values.once) throw new Error(`--json goes with --once\n${usage}`);
  return { ...values, interval };
}

interface Sources {
  metricsUrl: string;
  /** pm2's view of the local stack's workers; undefined for a stack elsewhere (--url). */
  workers: () => Worker[] | undefined;
}

async function take(
  sources: Sources,
  previous: Scrape | undefined,
): Promise<{ snapshot: Snapshot; current?: Scrape }> {
  let current: Scrape | undefined;
  let problem: string | null = null;
  try {
    current = await scrape(sources.metricsUrl);
  } catch (error) {
    problem = `metrics: ${(error as Error).message}`;
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
    snapshot: buildSnapshot(sources.metricsUrl, current, previous, workers, problem),
    current,
  };
}

async function main(): Promise<void> {
  const opts = options();
  const local = opts.url === undefined;
  const sources: Sources = {
    metricsUrl: opts.url ?? `http://127.0.0.1:${readStackSettings().metricsPort}/metrics`,
    workers: () => (local ? listWorkers() : undefined),
  };

  if (opts.once) {
    const first = await take(sources, undefined);
    if (first.current) await sleep(1000);
    const { snapshot } = first.current ? await take(sources, first.current) : first;
    if (opts.json) process.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
    else process.stdout.write(`${renderView(snapshot, opts.interval).join('\n')}\n`);
    if (!snapshot.running) process.exitCode = 3;
    return;
  }

  let previous: Scrape | undefined;
  const leave = () => {
    process.stdout.write('\x1b[?25h\n');
    process.exit(0);
  };
  process.on('SIGINT', leave);
  process.on('SIGTERM', leave);
  process.stdout.write('\x1b[?25l\x1b[2J'); // hide the cursor, clear the screen once
  for (;;) {
    const { snapshot, current } = await take(sources, previous);
    previous = current ?? previous;
    // Home, draw each line over the last frame's, clear what is left below.
    const lines = renderView(snapshot, opts.interval).map((line) => `${line}\x1b[K`);
    process.stdout.write(`\x1b[H${lines.join('\n')}\n\x1b[J`);
    await sleep(opts.interval * 1000);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ops: ${(error as Error).message}\n`);
  process.exit(1);
});
