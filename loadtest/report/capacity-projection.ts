/**
 * What each target would serve on a host with N cores for the server and the load generator
 * elsewhere, from the CPU a request cost it here. A target serves at most as many requests as
 * its cores can pay for, and at most as many as its JavaScript threads can run, one core each:
 *
 *   rps(N) = min(threads(N) × 10⁶ ÷ JS µs, cores(N) × 10⁶ ÷ total µs)
 *
 * The dev server is one process: one JavaScript thread, and libuv's pool of four more for the
 * password hashes, so at most five cores. The stack runs one pm2 worker per core, behind nginx,
 * whose CPU is in the total. What it leaves out, the report says: locks (SQLite takes one
 * writer at a time), the network, memory.
 */
import type {
  CapacityFinding,
  Comparison,
  CpuCost,
  ProjectedCapacity,
  Projection,
  StepCpu,
} from './results.ts';

/** Node's default UV_THREADPOOL_SIZE: the threads crypto.scrypt runs on. */
const libuvPool = 4;

interface Shape {
  threads: (cores: number) => number;
  cores: (cores: number) => number;
  formula: string;
}

export const shapes = {
  dev: {
    threads: () => 1,
    cores: (cores) => Math.min(cores, 1 + libuvPool),
    formula: `one process: min(10⁶ ÷ JS µs, min(N, ${1 + libuvPool}) × 10⁶ ÷ total µs), its JavaScript on one thread and its password hashes on libuv’s ${libuvPool}`,
  },
  prod: {
    threads: (cores) => cores,
    cores: (cores) => cores,
    formula:
      'N pm2 workers behind nginx: min(N × 10⁶ ÷ JS µs, N × 10⁶ ÷ total µs), the total counting the workers, nginx and pm2',
  },
} satisfies Record<string, Shape>;

/** How a local target uses a host's cores; undefined for a stack this run did not start. */
const shapeOf = (target: string): Shape | undefined =>
  (shapes as Record<string, Shape | undefined>)[target];

const fields = [
  ['total_us', 'total_s'],
  ['app_us', 'app_s'],
  ['nginx_us', 'nginx_s'],
  ['js_us', 'js_s'],
] as const;

/** Least squares: the slope of y over x. */
function slope(points: [number, number][]): number {
  const mean = (pick: (p: [number, number]) => number) =>
    points.reduce((sum, p) => sum + pick(p), 0) / points.length;
  const [mx, my] = [mean((p) => p[0]), mean((p) => p[1])];
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  return sxx > 0 ? sxy / sxx : NaN;
}

/**
 * How a scenario's cost is drawn from its steps. A GET /hello/ costs tens of µs, and each step's
 * setup() login costs as much as thousands of them: the slope of CPU over requests leaves out
 * what every step spends alike. A mixed request costs its share of logins, whose count varies
 * from step to step (5% of requests, and each virtual user's first refresh): there a slope
 * follows that noise, and all the passing steps' CPU over all their requests is steadier.
 */
export const costMethods = { hello: 'slope', mixed: 'pooled' } as const;

type Method = (typeof costMethods)[keyof typeof costMethods];
type Seconds = (typeof fields)[number][1];

/**
 * What a request costs a target, in µs, by `method` through the passing steps; where fewer
 * than three passed for a slope, or it came out falling, the highest passing step's CPU over
 * its requests (the first step's where none passed). Null where no step saw the target's
 * processes.
 */
export function costOf(finding: CapacityFinding, method: Method): CpuCost | null {
  const seen = finding.steps.filter((step) => step.target_cpu && step.target_cpu.requests > 0);
  const passed = seen.filter((step) => step.passed);
  const through = passed.length > 0 ? passed : seen.slice(0, 1);
  const top = through.at(-1);
  const topCpu = top?.target_cpu;
  if (!top || !topCpu) return null;
  const cpu = through.flatMap((step) => (step.target_cpu ? [step.target_cpu] : []));
  const sum = (pick: (c: StepCpu) => number) => cpu.reduce((total, c) => total + pick(c), 0);
  const slopes = fields.map(([, key]) => slope(cpu.map((c) => [c.requests, c[key]])));
  const drawn = cpu.length >= 3 && (slopes[0] ?? 0) > 0 && slopes.every((value) => value >= 0);
  const used: CpuCost['method'] = method === 'pooled' ? 'pooled' : drawn ? 'slope' : 'top step';
  const secondsFor = (key: Seconds, i: number): number => {
    if (used === 'slope') return slopes[i] ?? 0;
    if (used === 'pooled') return sum((c) => c[key]) / sum((c) => c.requests);
    return topCpu[key] / topCpu.requests;
  };
  const us = Object.fromEntries(
    fields.map(([to, from], i) => [to, Math.max(0, Math.round(secondsFor(from, i) * 1e6))]),
  ) as Record<(typeof fields)[number][0], number>;
  if (us.total_us <= 0) return null;
  // Each part is within the whole at every step; slopes drawn apart can cross by noise.
  us.app_us = Math.min(us.app_us, us.total_us);
  us.nginx_us = Math.min(us.nginx_us, us.total_us - us.app_us);
  us.js_us = Math.min(us.js_us, us.app_us);
  return {
    method: used,
    steps: used === 'top step' ? 1 : cpu.length,
    at_rps: Math.max(...through.map((step) => step.achieved_rps)),
    per_request: us,
    // Whole requests, as the projection counts them.
    requests_per_core_second: Math.floor(1e6 / us.total_us),
    k6_cpu_share: top.k6_cpu_share,
  };
}

/** Requests a second `shape` would serve at `cost` with `cores` for the server alone. */
export function projectedRps(shape: Shape, cost: CpuCost, cores: number): number {
  const { js_us: js, total_us: total } = cost.per_request;
  const byThreads = js > 0 ? (shape.threads(cores) * 1e6) / js : Infinity;
  return Math.floor(Math.min(byThreads, (shape.cores(cores) * 1e6) / total));
}

function project(
  shape: Shape,
  finding: CapacityFinding,
  method: Method,
  cores: number[],
): ProjectedCapacity | null {
  const cost = costOf(finding, method);
  return cost && { cost, rps: cores.map((n) => projectedRps(shape, cost, n)) };
}

/** Each target's capacity projected to `cores` (this machine's, and the count asked for). */
export function projectCapacities(comparison: Comparison, cores: number[]): Projection {
  const targets: Projection['targets'] = {};
  for (const [target, search] of Object.entries(comparison.capacity_search)) {
    const shape = shapeOf(target);
    if (!shape) continue;
    targets[target] = {
      formula: shape.formula,
      hello: project(shape, search.hello, costMethods.hello, cores),
      mixed: project(shape, search.mixed, costMethods.mixed, cores),
    };
  }
  return { cores, targets };
}
