/**
 * `npm run loadtest`: the same k6 scenarios, with the same settings, against the dev server and
 * the production stack on this machine (or against --target alone), then a report in
 * loadtest/reports/<timestamp>/ and the comparison table. Whatever it started, it stops: at the
 * end, on failure and on Ctrl-C.
 */
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ConfigError, readSettings, runInFrame } from '../../settings/index.ts';
import { projectRoot } from '../../tools/project-root.ts';
import { rateOfScenario } from '../k6/lib/scenarios.ts';
import { capacityBudgetsMs } from '../report/capacity-budgets.ts';
import { findK6 } from './k6-binary.ts';
import {
  readLoadtestSettings,
  targetUserSchema,
  usage,
  type LoadtestSettings,
} from './loadtest-settings.ts';
import { startLocalTargets, stateDir, type LocalTargets } from './local-targets.ts';
import { describeMachine } from './machine.ts';
import { k6ErrorMessage, runK6, thresholdsCrossed } from './run-k6.ts';
import { readSummary, readTimeSeries } from './scenario-result.ts';
import type { Results, ScenarioFigures } from '../report/results.ts';
import { comparisonTable, headlineTable, projectionSection } from '../report/render-markdown.ts';
import { capacities, experimentLengths, localEvents, remoteEvents } from './experiments.ts';
import { watchMachineLoad } from './machine-load.ts';
import { busyBanner } from '../report/busy-banner.ts';
import { chooseRate, type RateChoice } from './rate-choice.ts';
import { checkProjection } from './projection-check.ts';
import { projectCapacities } from '../report/capacity-projection.ts';
import { reportDir, writeReport } from '../report/write-report.ts';

/** LOADTEST_REPORTS_DIR moves the reports elsewhere (the tests keep theirs apart). */
const reportsRoot = process.env.LOADTEST_REPORTS_DIR ?? join(projectRoot, 'loadtest', 'reports');
const say = (line: string) => {
  process.stdout.write(`loadtest: ${line}\n`);
};

class RunFailed extends Error {
  override name = 'RunFailed';
}

/** Latency thresholds crossed under --strict: k6's own exit code. */
class ThresholdsCrossed extends Error {
  override name = 'ThresholdsCrossed';
}

function notes(settings: LoadtestSettings, local: boolean, rate: RateChoice): string[] {
  const cores = cpus().length;
  return [
    rate.why,
    local
      ? `The load generator (k6) runs on the same ${cores} cores as the servers it measures, so both targets share the CPU with it; a separate load machine would see more of each server.`
      : 'k6 ran on this machine against a remote target: the network between them is part of every figure.',
    `Open model: requests arrive at a fixed rate whatever the server does (constant-arrival-rate); a server that cannot keep up shows higher latency and dropped iterations, not fewer requests sent.`,
    `Each scenario warms up for ${settings.warmupSeconds} s at half its rate first; the warm-up is left out of every figure.`,
    local
      ? 'nginx limits logins and refreshes per client address; the load comes from one address, so this run raises those limits (NGINX_LOGIN_RATE, NGINX_REFRESH_RATE) for the production stack.'
      : 'If the target limits logins per client address, the login and refresh scenarios show it as errors (429).',
    'Logins are bounded by scrypt password hashing (OWASP parameters), on purpose: compare them with each other, not with the other scenarios.',
    `Capacity is searched with constant-rate steps, doubling, then halving the interval between the last rate that passed and the first that failed; a step passes with p95 within ${capacityBudgetsMs.hello} ms (hello) or ${capacityBudgetsMs.mixed} ms (mixed, which holds logins), under 1% errors and 95% of the requests started on time. k6's own CPU is measured on every step: where it used half the machine or more, the load generator, not the target, set the limit, and the report says so.`,
    ...(local
      ? [
          'Deploy: the dev server restarts as on a code change (a source file saved; its watch mode), the stack runs `npm run stack -- reload`. Crash: SIGKILL to the dev server, and to one pm2 worker. The dev server has no supervisor: after its crash it stays down, and the run says so rather than restarting it.',
          `Brute force: wrong-password logins for a new account each time from 127.0.0.3 at ${settings.attackRate} a second on both targets (LOADTEST_ATTACK_RATE), while another user logs in every two seconds from 127.0.0.2; that user's logins alone for as long first give the baseline the attacked p95 is set against. The stack is restarted with nginx’s own login limits for it, which the load runs lift.`,
        ]
      : []),
  ];
}

async function measureTarget(
  k6: string,
  name: string,
  url: string,
  settings: LoadtestSettings,
  rate: number,
  env: NodeJS.ProcessEnv,
  dir: string,
): Promise<{
  figures: Record<string, ScenarioFigures>;
  timeSeries: Results['time_series'][string];
  problems: string[];
}> {
  const figures: Record<string, ScenarioFigures> = {};
  let timeSeries: Results['time_series'][string] = [];
  const problems: string[] = [];
  const outDir = join(dir, 'k6', name);
  mkdirSync(outDir, { recursive: true });
  const total = settings.warmupSeconds + settings.durationSeconds;
  for (const scenario of settings.scenarios) {
    const label = `${name} · ${scenario} (${settings.warmup} warm-up + ${settings.duration} at ${rateOfScenario(scenario, rate)}/s)`;
    const outcome = await runK6(k6, {
      script: `scenarios/${scenario}.ts`,
      name: scenario,
      url,
      outDir,
      timeSeries: scenario === 'hello',
      env,
      totalSeconds: total,
      onProgress: (elapsed) => {
        if (process.stdout.isTTY)
          process.stdout.write(
            `\rloadtest: ${label} ${Math.round(elapsed)}/${Math.round(total)} s`,
          );
      },
    });
    if (process.stdout.isTTY) process.stdout.write('\r\x1b[2K');
    if (outcome.exitCode !== 0 && outcome.exitCode !== thresholdsCrossed) {
      const reason = k6ErrorMessage(outcome.stderr);
      throw new RunFailed(
        `k6 could not run ${scenario} against ${url} (exit ${outcome.exitCode}): ${reason ?? 'no output'}`,
      );
    }
    const f = readSummary(outcome.summaryFile, settings.durationSeconds);
    figures[scenario] = f;
    if (outcome.csvFile) timeSeries = readTimeSeries(outcome.csvFile);
    say(
      `${label}: ${f.rps} req/s, p95 ${f.p95_ms} ms, errors ${(f.error_rate * 100).toFixed(2)}%${f.dropped_iterations ? `, ${f.dropped_iterations} dropped` : ''}`,
    );
    for (const crossed of f.thresholds_crossed)
      problems.push(`${name} · ${scenario}: threshold crossed: ${crossed}`);
  }
  return { figures, timeSeries, problems };
}

/** The stack given with --target and its test user, or the two local servers this run starts. */
async function chooseTargets(settings: LoadtestSettings): Promise<{
  urls: Record<string, string>;
  credentials: { username: string; password: string };
  local?: LocalTargets;
}> {
  if (!settings.target) {
    const local = await startLocalTargets(say);
    return { urls: local.urls, credentials: local.credentials, local };
  }
  const { user, password } = readSettings(targetUserSchema, process.env, 'production', []);
  if (!user || !password) {
    throw new RunFailed(
      '--target needs the test user of that stack: set LOADTEST_USER and LOADTEST_PASSWORD (create it with `npm run users -- add` there)',
    );
  }
  return { urls: { target: settings.target }, credentials: { username: user, password } };
}

/** results.json's frame: what ran, where, with which settings. */
function resultsFrame(
  settings: LoadtestSettings,
  urls: Record<string, string>,
  k6Version: string,
  startedAt: Date,
  rate: RateChoice,
): Omit<Results, 'comparison'> {
  return {
    targets: {},
    time_series: {},
    urls,
    machine: {
      ...describeMachine(k6Version, settings.target ? null : cpus().length),
      others_cpu: null,
    },
    settings: {
      duration_s: settings.durationSeconds,
      warmup_s: settings.warmupSeconds,
      rates_per_s: Object.fromEntries(
        settings.scenarios.map((s) => [s, rateOfScenario(s, rate.base)]),
      ),
      rate_choice: rate.why,
      scenarios: settings.scenarios,
      executor: 'constant-arrival-rate',
      started_at: startedAt.toISOString(),
      notes: notes(settings, !settings.target, rate),
    },
  };
}

/** Latency thresholds crossed are findings; errors and dropped requests are failures. */
const isLatency = (problem: string) => /threshold crossed: http_req_duration/.test(problem);

/**
 * What the stack promises and a run checks: no request lost to its deploy, and none to a crash
 * but the refreshes the killed worker held (no server can answer those, nor resend them).
 */
function stackFailures(comparison: Results['comparison']): string[] {
  const { deploy, crash } = { deploy: comparison.deploy.prod, crash: comparison.crash.prod };
  const failures: string[] = [];
  if (deploy && deploy.failed > 0) {
    failures.push(`prod · deploy: ${deploy.failed} of ${deploy.requests} requests failed`);
  }
  if (crash && crash.failed > crash.lost_in_flight) {
    failures.push(
      `prod · crash: ${crash.failed} of ${crash.requests} requests failed, ${crash.lost_in_flight} of them in flight on the killed worker`,
    );
  }
  return failures;
}

async function main(settings: LoadtestSettings): Promise<void> {
  const k6 = findK6();
  const startedAt = new Date();
  let local: LocalTargets | undefined;
  const stop = async () => {
    const running = local;
    local = undefined;
    if (running) {
      say('stopping the servers this run started');
      await running.stop();
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stop().finally(() => process.exit(130));
    });
  }

  try {
    const targets = await chooseTargets(settings);
    local = targets.local;
    // The run's own processes work in the project or in its state folder (the tests move it).
    const machineLoad = await watchMachineLoad([projectRoot, stateDir]);
    const dir = reportDir(reportsRoot, startedAt);
    const credentials = {
      LOADTEST_USER: targets.credentials.username,
      LOADTEST_PASSWORD: targets.credentials.password,
    };
    const lengths = experimentLengths[settings.quick ? 'quick' : 'full'];
    // Capacity first: the fixed rates are chosen from it.
    const capacityRun = { k6: k6.binary, dir, env: credentials, lengths, say };
    const comparison = await capacities(capacityRun, targets.urls, local?.processes);
    if (local) {
      comparison.projection = projectCapacities(comparison, [
        cpus().length,
        settings.coresForProjection,
      ]);
      await checkProjection(capacityRun, local, comparison, machineLoad.meanSoFar());
    }
    const rate = chooseRate(comparison.capacity, settings.rate, settings.scenarios);
    say(rate.why);
    const env = {
      ...credentials,
      LOADTEST_RATE: String(rate.base),
      LOADTEST_DURATION: settings.duration,
      LOADTEST_WARMUP: settings.warmup,
    };
    const results: Results = {
      ...resultsFrame(settings, targets.urls, k6.version, startedAt, rate),
      comparison,
    };
    const problems: string[] = [];
    for (const [name, url] of Object.entries(targets.urls)) {
      const measured = await measureTarget(k6.binary, name, url, settings, rate.base, env, dir);
      results.targets[name] = measured.figures;
      results.time_series[name] = measured.timeSeries;
      problems.push(...measured.problems);
    }
    const events = {
      k6: k6.binary,
      dir,
      env,
      rate: rate.steady,
      attackRate: settings.attackRate,
      lengths,
      say,
    };
    if (targets.local) await localEvents(events, targets.local, comparison);
    else remoteEvents(comparison);
    await stop();
    results.machine.others_cpu = machineLoad.stop();
    const banner = busyBanner(results.machine.others_cpu);
    writeReport(dir, reportsRoot, results);
    console.log(
      `\n${banner ? `${banner}\n\n` : ''}${headlineTable(results)}\n\n${projectionSection(results)}\n${comparisonTable(results)}\n`,
    );
    say(`report: ${join(dir, 'report.html')} (also loadtest/reports/latest/)`);
    const failures = [...problems.filter((p) => !isLatency(p)), ...stackFailures(comparison)];
    const findings = problems.filter(isLatency);
    if (failures.length > 0) {
      throw new RunFailed(`a target failed:\n  ${[...failures, ...findings].join('\n  ')}`);
    }
    if (findings.length > 0) {
      const lines = `latency above the scenarios' thresholds:\n  ${findings.join('\n  ')}`;
      if (settings.strict) throw new ThresholdsCrossed(lines);
      say(`${lines}\n  (findings, not failures: --strict makes them exit ${thresholdsCrossed})`);
    }
  } finally {
    await stop();
  }
}

/** What the person asked for cannot be run: said with the usage, exit 2. */
class ArgumentsError extends ConfigError {}

function readArguments(): LoadtestSettings {
  try {
    return readLoadtestSettings(process.argv.slice(2));
  } catch (error) {
    const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
    throw new ArgumentsError(problems);
  }
}

await runInFrame(
  {
    prefix: 'loadtest: ',
    exitCodeOf: (error) =>
      error instanceof ArgumentsError
        ? 2
        : error instanceof ThresholdsCrossed
          ? thresholdsCrossed
          : 1,
    usageAfter: (error) => (error instanceof ArgumentsError ? usage : undefined),
  },
  async () => main(readArguments()),
);
