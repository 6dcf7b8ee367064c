import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { ConfigError } from '../../settings/index.ts';
import { readStackSettings } from '../stack-settings.ts';
import { workerBudget } from '../worker-budget.ts';

const cores = availableParallelism();
const budgetOf = (stackEnv: NodeJS.ProcessEnv, appEnv: NodeJS.ProcessEnv = {}) =>
  workerBudget(readStackSettings(stackEnv), appEnv);

describe("a pm2 worker's budget", () => {
  it('shares the cores among the workers, one hash each at least, and the memory follows', () => {
    assert.deepEqual(budgetOf({ PM2_INSTANCES: String(cores) }), {
      workers: cores,
      hashConcurrency: 1,
      maxMemoryMb: 160 + 128,
    });
    assert.equal(budgetOf({ PM2_INSTANCES: 'max' }).hashConcurrency, 1);
    assert.equal(budgetOf({ PM2_INSTANCES: String(cores * 4) }).hashConcurrency, 1);
  });

  it('takes the concurrency and cost the app is given, and sizes the memory for them', () => {
    const budget = budgetOf(
      { PM2_INSTANCES: '1' },
      { PASSWORD_HASH_CONCURRENCY: '3', PASSWORD_SCRYPT_LOG_N: '18' },
    );
    assert.equal(budget.hashConcurrency, 3);
    assert.equal(budget.maxMemoryMb, 160 + 3 * 256);
  });

  it('keeps a larger limit set by hand, and refuses one below what the hashes need', () => {
    assert.equal(budgetOf({ PM2_INSTANCES: '1', PM2_MAX_MEMORY: '1G' }).maxMemoryMb, 1024);
    assert.throws(
      () => budgetOf({ PM2_INSTANCES: String(cores), PM2_MAX_MEMORY: '200M' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems[0] ===
          'PM2_MAX_MEMORY: 200M is less than a worker needs to run 1 password hash(es) at once at PASSWORD_SCRYPT_LOG_N 17 (288M): raise it, or lower PASSWORD_HASH_CONCURRENCY',
    );
  });
});
