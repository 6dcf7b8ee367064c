/** The shape of results.json (loadtest/results.schema.json describes the same, for other tools). */
export interface ScenarioFigures {
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  error_rate: number;
  requests: number;
  dropped_iterations: number;
  thresholds_crossed: string[];
}

export interface TimePoint {
  second: number;
  rps: number;
  p95_ms: number;
}

export interface Machine {
  cores: number;
  cpu_model: string;
  memory_gb: number;
  node: string;
  nginx: string | null;
  k6: string;
  pm2_instances: number | null;
  /** Shares of the machine's CPU other processes took (loadtest/runner/machine-load.ts). */
  others_cpu: { before: number; mean: number; peak: number } | null;
}

export interface Settings {
  duration_s: number;
  warmup_s: number;
  rates_per_s: Record<string, number>;
  /** Which rate the fixed-rate scenarios ran at, and why. */
  rate_choice: string;
  scenarios: string[];
  executor: string;
  started_at: string;
  notes: string[];
}

/** One constant-rate step of the capacity search. */
export interface CapacityStep {
  offered_rps: number;
  achieved_rps: number;
  p95_ms: number;
  p99_ms: number;
  error_rate: number;
  passed: boolean;
  /** Why it failed: the latency budget, errors, or requests it could not start in time. */
  failed_on: string | null;
  /** Share of the machine's CPU k6 itself used during the step. */
  k6_cpu_share: number;
  /** What the target's own processes spent during the step; null for a --target stack. */
  target_cpu: StepCpu | null;
}

/** CPU seconds a target's processes spent during one capacity step (k6 apart). */
export interface StepCpu {
  /** Every request k6 sent in the step, warm-up and setup() included. */
  requests: number;
  /** How long the step ran, k6's start to its end. */
  wall_s: number;
  /** Every process of the target. */
  total_s: number;
  /** The processes running the app (the dev server's child, the pm2 workers). */
  app_s: number;
  nginx_s: number;
  /** The app processes' JavaScript threads, which can use one core each at most. */
  js_s: number;
}

/** CPU microseconds a request cost a target's processes, split as StepCpu is. */
export interface CpuPerRequest {
  total_us: number;
  app_us: number;
  nginx_us: number;
  js_us: number;
}

/** What a request cost a target, drawn from the capacity search's passing steps. */
export interface CpuCost {
  /**
   * slope: of CPU over requests, leaving out what every step spends alike (hello); pooled: all
   * the steps' CPU over all their requests (mixed, whose logins vary by step); top step: one
   * step's ratio, where too few passed for a slope.
   */
  method: 'slope' | 'pooled' | 'top step';
  /** The steps it was drawn from. */
  steps: number;
  /** The highest rate among them. */
  at_rps: number;
  per_request: CpuPerRequest;
  /** 1 s of one core over total_us: what one core serves with nothing else to do. */
  requests_per_core_second: number;
  /** k6's share of the machine at the highest step: the cores it left the target here. */
  k6_cpu_share: number;
}

/** A target's capacity on hosts of other sizes, from what a request cost it here. */
export interface ProjectedCapacity {
  cost: CpuCost;
  /** Requests a second, one per entry of Projection.cores. */
  rps: number[];
}

export interface Projection {
  /** This machine's cores, and the count given with --cores-for-projection. */
  cores: number[];
  targets: Record<
    string,
    { formula: string; hello: ProjectedCapacity | null; mixed: ProjectedCapacity | null }
  >;
}

/** A projection set against a measured capacity search on this machine. */
export interface ProjectionCheckRow {
  /** What the target ran on: "1 core (taskset), k6 on another", or the machine shared with k6. */
  setup: string;
  /** Cores the prediction gives the target. */
  cores: number;
  predicted_rps: number;
  measured_rps: number | null;
  /** Every step passed: the measured rate is a floor, not the limit. */
  lower_bound: boolean;
  stopped_by: string;
  /** k6 used its cores up: the measured figure is the load generator's limit, not the target's. */
  k6_limited: boolean;
  /**
   * Cores the target and k6 kept busy at the step that ended the search (the lowest rate that
   * failed; the highest step where none did): a target short of its cores was not the limit.
   */
  target_cores_used: number | null;
  k6_cores_used: number;
}

export interface CapacityFinding {
  /** The highest rate sustained within the budget; null when even the first step failed. */
  rps: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  /** What stopped the search: the first failing step's reason, and whether k6 ran out of CPU. */
  stopped_by: string;
  /** k6 had used its cores up at the step that failed: the load generator's limit, as much as the target's. */
  k6_limited: boolean;
  steps: CapacityStep[];
}

/** Requests and failures, in buckets of 250 ms, with the event's time: for the charts. */
export interface EventTimeline {
  event_ms: number;
  event: string;
  buckets: { t_ms: number; ok: number; failed: number }[];
}

export interface DeployFigures {
  requests: number;
  failed: number;
  longest_gap_ms: number;
  timeline: EventTimeline;
}

export interface CrashFigures {
  requests: number;
  failed: number;
  /**
   * Of the failed, the non-idempotent requests (refreshes) the killed process held when it died:
   * no server can answer those, and nginx must not send them again; every other one it can.
   */
  lost_in_flight: number;
  /** From the kill to the next answered request; null when the target never answered again. */
  recovered_ms: number | null;
  refresh_chains_broken: number;
  timeline: EventTimeline;
}

export interface BruteForceFigures {
  attempts: number;
  hashed: number;
  refused: number;
  legit_logins: number;
  legit_failed: number;
  legit_p50_ms: number;
  legit_p95_ms: number;
  /** The same user's login p95 with no attack, just before it. */
  idle_p95_ms: number;
  /** The attack's arrival rate, guesses a second. */
  attack_rate: number;
}

/** The four experiments, per target; an experiment a run could not make names why. */
export interface Comparison {
  capacity: Record<string, { hello_rps: number | null; mixed_rps: number | null }>;
  capacity_search: Record<string, { hello: CapacityFinding; mixed: CapacityFinding }>;
  deploy: Record<string, DeployFigures>;
  crash: Record<string, CrashFigures>;
  bruteforce: Record<string, BruteForceFigures>;
  /** Per target and capacity scenario; null where the run could not see the targets' processes. */
  projection: Projection | null;
  /** Per target and capacity scenario: predicted against measured on this machine. */
  projection_check: Record<string, Partial<Record<'hello' | 'mixed', ProjectionCheckRow[]>>>;
  skipped: string[];
}

export interface Results {
  targets: Record<string, Record<string, ScenarioFigures>>;
  /** Per target, the second-by-second figures of its hello run. */
  time_series: Record<string, TimePoint[]>;
  urls: Record<string, string>;
  machine: Machine;
  settings: Settings;
  comparison: Comparison;
}
