/**
 * `npm run fuzz`: schemathesis against the dev server and against the production stack through
 * nginx, longer than the tests' fixed run: FUZZ_EXAMPLES requests per operation (default 50), a
 * new seed each run unless FUZZ_SEED is given. It prints what it tested and every failure, and
 * exits 1 on any. Both servers run on free ports with databases of their own; both are stopped.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { provideUser } from '../app/src/index.ts';
import { freePort } from '../tools/network.ts';
import { runSchemathesis, type FuzzResult } from './schemathesis.ts';
import { send } from './http-client.ts';
import { tempDir } from './temp-dir.ts';
import { runStackCommand, startDevServer } from '../stack/local-servers.ts';
import { stackOnFreePorts } from '../stack/stack-on-free-ports.ts';

const maxExamples = Number(process.env.FUZZ_EXAMPLES ?? 50);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const dir = tempDir();
// Generated logins must reach the app: no per-account or per-address throttling here.
const env = {
  JWT_SIGNING_KEY: 'fuzz-secret-that-is-long-enough-for-hs256!',
  LOGIN_FAILURES_PER_ACCOUNT: '0',
  LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: '0',
  LOGIN_FAILURES_PER_ADDRESS: '0',
  LOG_LEVEL: 'warn',
};

/** Every login the fuzzer makes costs production's scrypt: keep every worker busy. */
async function fuzz(name: string, url: string, workers: number): Promise<FuzzResult> {
  const login = await send('POST', `${url}/api/token/`, {
    json: { username: 'fuzz', password: 'fuzz-password' },
  });
  if (login.status !== 200)
    throw new Error(`${name}: the fuzz user's login answered ${login.status}`);
  process.stdout.write(`fuzz: ${name} at ${url}, ${maxExamples} examples per operation\n`);
  const result = await runSchemathesis({
    url,
    maxExamples,
    workers,
    ...(seed === undefined ? {} : { seed }),
    headers: { Authorization: `Bearer ${String(login.json.access)}` },
  });
  const seedUsed = /Seed: (\d+)/.exec(result.output)?.[1] ?? '?';
  process.stdout.write(
    `fuzz: ${name}: ${result.operations} operations, ${result.testCases} test cases, ${result.failures.length} failures, ${result.errors.length} errors (seed ${seedUsed})\n`,
  );
  for (const problem of [...result.failures, ...result.errors]) {
    process.stdout.write(`  ${problem}\n`);
  }
  return result;
}

// The dev server hashes cheaply; production refuses less than OWASP's cost, as it should.
const dev = {
  ...env,
  DATABASE_URL: `sqlite:${join(dir, 'dev.sqlite3')}`,
  PASSWORD_SCRYPT_LOG_N: '10',
};
const stack = await stackOnFreePorts(join(dir, 'stack'), {
  ...env,
  NGINX_LOGIN_RATE: '1000r/s',
  NGINX_LOGIN_BURST: '1000',
});
await provideUser(dev, 'fuzz', 'fuzz-password');
await provideUser(stack.env, 'fuzz', 'fuzz-password');
const devServer = await startDevServer(await freePort(), dev);
let failed = false;
try {
  await runStackCommand('up', stack.env);
  for (const [name, url, workers] of [
    ['dev server', devServer.url, 1],
    ['production stack', stack.url, availableParallelism()],
  ] as const) {
    const result = await fuzz(name, url, workers);
    failed ||= result.failures.length + result.errors.length > 0 || result.exitCode !== 0;
  }
} finally {
  await devServer.stop();
  await runStackCommand('down', stack.env);
}
process.exitCode = failed ? 1 : 0;
