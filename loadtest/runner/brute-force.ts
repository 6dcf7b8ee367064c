/**
 * Password guessing against a target while someone else logs in: k6/experiments/
 * password-guessing.ts from 127.0.0.3 at a fixed rate (a new account name each guess, so no
 * per-account limit ends it) and k6/experiments/legit-logins.ts from 127.0.0.2, side by side for
 * the same time, after the other user's logins alone for as long, as the baseline; neither from
 * 127.0.0.1, whose logins the other experiments need after this one. What the target hashed,
 * what it refused before hashing, and what the attack cost the other user against no attack.
 */
import { mkdirSync } from 'node:fs';
import type { BruteForceFigures } from '../report/results.ts';
import { k6ErrorMessage, runK6 } from './run-k6.ts';
import { readSummaryMetrics, round } from './scenario-result.ts';

export interface BruteForceRun {
  k6: string;
  url: string;
  outDir: string;
  env: NodeJS.ProcessEnv;
  seconds: number;
  /** Guesses a second, the same on every target. */
  attackRate: number;
}

const failedToRun = (outcome: { exitCode: number | null; stderr: string }) =>
  new Error(
    `k6 could not run the brute-force experiment: ${k6ErrorMessage(outcome.stderr) ?? 'no output'}`,
  );

export async function bruteForce(run: BruteForceRun): Promise<BruteForceFigures> {
  mkdirSync(run.outDir, { recursive: true });
  const common = {
    url: run.url,
    outDir: run.outDir,
    timeSeries: false,
    totalSeconds: run.seconds,
    env: {
      ...run.env,
      LOADTEST_DURATION: `${run.seconds}s`,
      LOADTEST_ATTACK_RATE: String(run.attackRate),
    },
  };
  const legitLogins = (name: string) =>
    runK6(run.k6, {
      ...common,
      script: 'experiments/legit-logins.ts',
      name,
      flags: ['--local-ips', '127.0.0.2'],
    });
  const idle = await legitLogins('idle-logins');
  if (idle.exitCode !== 0) throw failedToRun(idle);
  const [attack, legit] = await Promise.all([
    runK6(run.k6, {
      ...common,
      script: 'experiments/password-guessing.ts',
      name: 'guesses',
      flags: ['--local-ips', '127.0.0.3'],
    }),
    legitLogins('legit-logins'),
  ]);
  for (const outcome of [attack, legit]) {
    if (outcome.exitCode !== 0) throw failedToRun(outcome);
  }
  const guesses = readSummaryMetrics(attack.summaryFile);
  const logins = readSummaryMetrics(legit.summaryFile);
  const duration = logins['http_req_duration{name:login}'];
  const idleDuration = readSummaryMetrics(idle.summaryFile)['http_req_duration{name:login}'];
  return {
    attempts: guesses.kit_guesses?.values.count ?? 0,
    hashed: guesses.kit_guesses_hashed?.values.count ?? 0,
    refused: guesses.kit_guesses_refused?.values.count ?? 0,
    legit_logins: logins.kit_legit_logins?.values.count ?? 0,
    legit_failed: logins.kit_legit_login_failures?.values.count ?? 0,
    legit_p50_ms: round(duration?.values.med ?? 0, 1),
    legit_p95_ms: round(duration?.values['p(95)'] ?? 0, 1),
    idle_p95_ms: round(idleDuration?.values['p(95)'] ?? 0, 1),
    attack_rate: run.attackRate,
  };
}
