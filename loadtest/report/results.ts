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
}

export interface CapacityFinding {
  /** The highest rate sustained within the budget; null when even the first step failed. */
  rps: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  /** What stopped the search: the first failing step's reason, and whether k6 ran out of CPU. */
  stopped_by: string;
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
