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
}

export interface Settings {
  duration_s: number;
  warmup_s: number;
  rates_per_s: Record<string, number>;
  scenarios: string[];
  executor: string;
  started_at: string;
  notes: string[];
}

export interface Results {
  targets: Record<string, Record<string, ScenarioFigures>>;
  /** Per target, the second-by-second figures of its hello run. */
  time_series: Record<string, TimePoint[]>;
  urls: Record<string, string>;
  machine: Machine;
  settings: Settings;
}
