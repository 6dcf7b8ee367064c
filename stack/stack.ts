/**
 * The production stack on this host: the compiled app under pm2 in cluster mode behind nginx.
 * Each operation is safe to repeat and says what it found and did.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvFile } from '../settings/index.ts';
import { proxySecret, withSigningKey } from './host-secrets.ts';
import { endProcesses } from '../tools/run-tool.ts';
import { portIsFree, waitForOk } from '../tools/network.ts';
import { nginxPid, startNginx, stopNginx, testNginxConfig } from '../nginx/src/nginx-server.ts';
import {
  killPm2,
  configureLogRotation,
  listWorkers,
  pm2DaemonPid,
  reloadWorkers,
  startWorkers,
  type Worker,
} from './pm2-cluster.ts';
import { limitsOf, renderNginxConfig } from '../nginx/src/render-nginx-config.ts';
import { makeSelfSignedCertificate } from '../tools/self-signed-certificate.ts';
import { readStackSettings, type StackSettings } from './stack-settings.ts';
import { workerBudget } from './worker-budget.ts';
import { projectRoot } from '../tools/project-root.ts';
import { stackPaths } from './stack-paths.ts';
import { startSupervisor, stopSupervisor, supervisorPid } from './supervisor-process.ts';

export type Say = (line: string) => void;

export class StackError extends Error {
  override name = 'StackError';
}

export const stackUrl = (settings: StackSettings) => {
  const host = settings.nginxHost === '0.0.0.0' ? '127.0.0.1' : settings.nginxHost;
  return `http://${host}:${settings.nginxPort}`;
};

/**
 * The app's environment for pm2: .env, then this process's variables, then the stack's, with
 * each worker's share of hashing and memory (worker-budget.ts). The stack reads .env for the
 * values it sizes and checks; each worker reads it again at start (app/src/start.ts, the same
 * reader), because pm2 keeps a worker's environment across `reload`, and an edited .env must
 * reach the workers that `stack reload` starts.
 */
function appEnv(settings: StackSettings): NodeJS.ProcessEnv {
  loadEnvFile(join(projectRoot, '.env'));
  const budget = workerBudget(settings, process.env);
  return {
    ...process.env,
    APP_PORT: String(settings.appPort),
    PM2_INSTANCES: settings.pm2Instances,
    PM2_LOG_DIR: stackPaths.logDir,
    // nginx's logs are the stack's: it runs their rotation beside the workers.
    STACK_NGINX_LOGS: 'rotate',
    PM2_MAX_MEMORY: `${budget.maxMemoryMb}M`,
    PASSWORD_HASH_CONCURRENCY: String(budget.hashConcurrency),
    METRICS_PORT: String(settings.metricsPort),
    NGINX_STATUS_URL: `${stackUrl(settings)}/nginx_status`,
    PROXY_SECRET: proxySecret(process.env),
  };
}

function renderHostNginxConfig(settings: StackSettings, env: NodeJS.ProcessEnv): void {
  const tls = settings.nginxTlsPort;
  renderNginxConfig(
    {
      listen: `${settings.nginxHost}:${settings.nginxPort}`,
      upstreams: [`127.0.0.1:${settings.appPort}`],
      // The secret the workers were given: they believe nginx by it.
      proxySecret: env.PROXY_SECRET,
      runDir: stackPaths.nginx.run,
      logDir: stackPaths.logDir,
      tempDir: stackPaths.nginx.temp,
      limits: limitsOf(settings),
      // nginx proxies far more cheaply than the app computes, and shares this host's cores with
      // its workers. Measured with bench:stack on 2 cores: one nginx worker served 22,400 req/s
      // through nginx (p99 4.3 ms), two (auto) 18,200 (p99 14.5 ms).
      workerProcesses: settings.workers ?? Math.max(1, Math.floor(availableParallelism() / 4)),
      // Started by root, nginx would run its workers as nobody, who cannot reach var/ (0700) to
      // reopen the logs after a rotation: they run as the stack's user, like pm2's workers.
      ...(process.getuid?.() === 0 ? { workerUser: 'root' } : {}),
      // On one address of this machine, the exporter's own requests come from it (NGINX_STATUS_URL).
      statusClients: ['127.0.0.1', '0.0.0.0', '::1', '::'].includes(settings.nginxHost)
        ? []
        : [settings.nginxHost],
      ...(tls === undefined
        ? {}
        : { tls: { listen: `${settings.nginxHost}:${tls}`, dir: stackPaths.nginx.tls } }),
    },
    stackPaths.nginx.conf,
  );
}

/** A self-signed pair for local TLS, made once. */
function ensureLocalCertificate(say: Say): void {
  if (existsSync(join(stackPaths.nginx.tls, 'cert.pem'))) return;
  say('making a self-signed TLS certificate for localhost (var/nginx/tls)');
  makeSelfSignedCertificate(stackPaths.nginx.tls);
}

async function refuseBusyPorts(
  settings: StackSettings,
  pm2Running: boolean,
  nginxRunning: boolean,
): Promise<void> {
  const checks: [boolean, string, number, string][] = [
    [pm2Running, '127.0.0.1', settings.appPort, 'APP_PORT'],
    [pm2Running, '127.0.0.1', settings.metricsPort, 'METRICS_PORT'],
    [nginxRunning, settings.nginxHost, settings.nginxPort, 'NGINX_PORT'],
  ];
  if (settings.nginxTlsPort !== undefined)
    checks.push([nginxRunning, settings.nginxHost, settings.nginxTlsPort, 'NGINX_TLS_PORT']);
  for (const [ours, host, port, variable] of checks) {
    if (!ours && !(await portIsFree(host, port))) {
      throw new StackError(
        `${host}:${port} is already in use by another program: free it or set ${variable}`,
      );
    }
  }
}

export async function stackUp(say: Say, settings = readStackSettings()): Promise<string> {
  const url = stackUrl(settings);
  const pm2Running = pm2DaemonPid() !== undefined && listWorkers().length > 0;
  const nginxRunning = nginxPid(stackPaths.nginx) !== undefined;
  if (pm2Running && nginxRunning && supervisorPid() !== undefined) {
    say(`the stack is already running at ${url}/ (nothing to do)`);
    return url;
  }
  await refuseBusyPorts(settings, pm2Running, nginxRunning);

  execFileSync('bash', [join(projectRoot, 'tools', 'build-if-stale.sh')], { stdio: 'inherit' });
  const { env, made } = withSigningKey(appEnv(settings));
  if (made) say(`no JWT_SIGNING_KEY set: made one for this host in ${stackPaths.signingKeyFile}`);

  const errLog = join(stackPaths.logDir, 'api.err.log');
  const errLogSizeBefore = existsSync(errLog) ? statSync(errLog).size : 0;
  /** What the workers wrote to stderr since this start, each line once. */
  const newAppErrors = () => {
    if (!existsSync(errLog) || statSync(errLog).size <= errLogSizeBefore) return '';
    const lines = readFileSync(errLog, 'utf8').slice(errLogSizeBefore).trim().split('\n');
    return [...new Set(lines)].join('\n');
  };
  try {
    if (!pm2Running) {
      say(
        `starting ${settings.pm2Instances === 'max' ? 'one worker per CPU' : `${settings.pm2Instances} worker(s)`} under pm2 on 127.0.0.1:${settings.appPort}`,
      );
      configureLogRotation({
        maxSize: settings.logMaxSize.text,
        retain: settings.logRetain,
        checkSeconds: settings.logCheckSeconds,
      });
      startWorkers(env);
    }
    if (!nginxRunning) {
      if (settings.nginxTlsPort !== undefined) ensureLocalCertificate(say);
      renderHostNginxConfig(settings, env);
      testNginxConfig(stackPaths.nginx);
      say(`starting nginx on ${settings.nginxHost}:${settings.nginxPort}`);
      await startNginx(stackPaths.nginx);
    }
    say('waiting for /readyz through nginx');
    // The app writes to stderr only when it cannot start (bad settings, port taken): stop waiting.
    await waitForOk(`${url}/readyz`, 30_000, () => {
      const said = newAppErrors();
      return said ? `the app could not start:\n${said}` : undefined;
    });
  } catch (error) {
    say('start failed: stopping what this run started');
    // The workers first: nginx's graceful quit would wait on a request still held upstream.
    if (!pm2Running) killPm2();
    if (!nginxRunning) await stopNginx(stackPaths.nginx);
    throw new StackError((error as Error).message);
  }
  if (supervisorPid() === undefined) {
    const { workers } = workerBudget(settings, process.env);
    const pid = startSupervisor(env, workers, settings.metricsPort);
    say(`supervising pm2 and its workers (pid ${pid}, var/log/supervisor.log)`);
  }
  say(`the stack is up: ${url}/ (${listWorkers().length} workers)`);
  return url;
}

export async function stackDown(say: Say): Promise<void> {
  // The supervisor first: it would start again the workers that pm2 kill stops.
  const supervisor = await stopSupervisor();
  if (supervisor !== undefined) say(`stopped the supervisor (pid ${supervisor})`);
  const nginx = nginxPid(stackPaths.nginx);
  const pm2 = pm2DaemonPid();
  if (nginx === undefined && pm2 === undefined) {
    if (supervisor === undefined) say('the stack is not running (nothing to stop)');
    return;
  }
  if (nginx !== undefined) {
    await stopNginx(stackPaths.nginx);
    say(`stopped nginx (pid ${nginx})`);
  }
  if (pm2 !== undefined) {
    const workerPids = listWorkers().map((w) => w.pid);
    killPm2();
    // pm2 kill stops the workers as it goes; one that outlived its daemon is ended here.
    // Beyond pm2's kill_timeout (16 s), a worker that outlived its daemon is SIGKILLed.
    await endProcesses([pm2, ...workerPids], 16_000);
    say('stopped the pm2 workers and daemon');
  }
}

export function stackReload(say: Say, settings = readStackSettings()): void {
  if (pm2DaemonPid() === undefined)
    throw new StackError('the stack is not running: start it with `npm run stack -- up`');
  say('reloading the workers one after the other (zero downtime)');
  reloadWorkers(withSigningKey(appEnv(settings)).env);
  say(`reloaded ${listWorkers().length} workers`);
}

export interface StackStatus {
  url: string;
  workers: Worker[];
  nginxPid: number | undefined;
  supervisorPid: number | undefined;
  nginxStatus: string | undefined;
}

export async function stackStatus(settings = readStackSettings()): Promise<StackStatus> {
  const url = stackUrl(settings);
  const pid = nginxPid(stackPaths.nginx);
  let nginxStatus: string | undefined;
  if (pid !== undefined) {
    nginxStatus = await fetch(`${url}/nginx_status`).then(
      (r) => r.text(),
      (error: unknown) => `unreachable: ${(error as Error).message}`,
    );
  }
  return {
    url,
    workers: listWorkers(),
    nginxPid: pid,
    supervisorPid: supervisorPid(),
    nginxStatus,
  };
}
