/**
 * Each pm2 worker's share of the machine: how many password hashes it runs at once (the cores
 * divided among the workers, at least one each) and the memory pm2 lets it use, which follows
 * from that concurrency (app/src/users/hashing-memory.ts). A login flood then queues in the
 * workers or is refused; it never pushes a worker over pm2's limit into a restart that cuts the
 * requests it holds. A limit set by hand below what the hashes need is refused at start.
 */
import { availableParallelism } from 'node:os';
import { ConfigError, readSettings } from '../settings/index.ts';
import { appSettings, workerMemoryMb, owaspScryptParams } from '../app/src/index.ts';
import type { StackSettings } from './stack-settings.ts';

export interface WorkerBudget {
  workers: number;
  hashConcurrency: number;
  maxMemoryMb: number;
}

/** `env` is the app's environment: PASSWORD_HASH_CONCURRENCY and PASSWORD_SCRYPT_LOG_N, if set. */
export function workerBudget(settings: StackSettings, env: NodeJS.ProcessEnv): WorkerBudget {
  const cores = availableParallelism();
  const workers = settings.pm2Instances === 'max' ? cores : Number(settings.pm2Instances);
  const problems: string[] = [];
  const app = readSettings(
    {
      passwordScryptLogN: appSettings.passwordScryptLogN,
      passwordHashConcurrency: appSettings.passwordHashConcurrency,
    },
    env,
    'production',
    problems,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  const hashConcurrency = env.PASSWORD_HASH_CONCURRENCY
    ? app.passwordHashConcurrency
    : Math.max(1, Math.floor(cores / workers));
  const needed = workerMemoryMb(hashConcurrency, {
    ...owaspScryptParams,
    logN: app.passwordScryptLogN,
  });
  const maxMemoryMb = settings.pm2MaxMemoryMb ?? needed;
  if (maxMemoryMb < needed) {
    throw new ConfigError([
      `PM2_MAX_MEMORY: ${maxMemoryMb}M is less than a worker needs to run ${hashConcurrency} password hash(es) at once at PASSWORD_SCRYPT_LOG_N ${app.passwordScryptLogN} (${needed}M): raise it, or lower PASSWORD_HASH_CONCURRENCY`,
    ]);
  }
  return { workers, hashConcurrency, maxMemoryMb };
}
