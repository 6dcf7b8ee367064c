/**
 * `npm run bench:brute-force`: password guessing against the host stack (pm2 behind nginx), as an
 * attacker on one address would: BRUTE_CLIENTS looping clients send wrong-password logins for
 * BRUTE_SECONDS, first at one account, then at a new account each time, while another user logs
 * in correctly once a second. It prints, per phase, how many guesses were hashed (401), refused
 * (429) or failed (5xx, connection errors), how many workers pm2 restarted, and the other user's
 * login latency. The attacker sends from 127.0.0.1, the other user from 127.0.0.2. The stack hashes at production cost (scrypt N=2^17).
 */
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { provideUser } from '../../app/src/index.ts';
import { tempDir } from '../../testing/temp-dir.ts';
import { runStackCommand } from '../../stack/local-servers.ts';
import { stackOnFreePorts } from '../../stack/stack-on-free-ports.ts';
import { loginFrom } from './login-from.ts';

const seconds = Number(process.env.BRUTE_SECONDS ?? 30);
const clients = Number(process.env.BRUTE_CLIENTS ?? 20);
const secret = 'bench-secret-that-is-long-enough-for-hs256!';
/** The attacker and alice come from two addresses, as they would from two machines. */
const attackerAddress = '127.0.0.1';
const aliceAddress = '127.0.0.2';

interface Tally {
  statuses: Map<string, number>;
  legitMs: number[];
}

const count = (tally: Tally, key: string) =>
  tally.statuses.set(key, (tally.statuses.get(key) ?? 0) + 1);

async function phase(url: string, account: (n: number) => string): Promise<Tally> {
  const tally: Tally = { statuses: new Map(), legitMs: [] };
  const until = Date.now() + seconds * 1000;
  let attempt = 0;
  const attacker = async () => {
    while (Date.now() < until)
      count(
        tally,
        (await loginFrom(url, account((attempt += 1)), 'guess', attackerAddress)).status,
      );
  };
  const legitimate = async () => {
    while (Date.now() < until) {
      const started = performance.now();
      const { status } = await loginFrom(url, 'alice', 'alice-password', aliceAddress);
      if (status === '200') tally.legitMs.push(performance.now() - started);
      else count(tally, `alice ${status}`);
      await sleep(1000);
    }
  };
  await Promise.all([legitimate(), ...Array.from({ length: clients }, attacker)]);
  return tally;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};

async function restarts(env: NodeJS.ProcessEnv): Promise<number> {
  process.env.STACK_STATE_DIR = env.STACK_STATE_DIR;
  const { listWorkers } = await import('../../stack/pm2-cluster.ts');
  return listWorkers().reduce((sum, worker) => sum + worker.restarts, 0);
}

function report(name: string, tally: Tally, restarted: number): void {
  const of = (key: string) => tally.statuses.get(key) ?? 0;
  const failed = [...tally.statuses]
    .filter(([key]) => !['401', '429'].includes(key))
    .map(([key, n]) => `${n}×${key}`);
  console.log(
    `${name.padEnd(22)}${String(of('401')).padStart(8)}${String(of('429')).padStart(9)}  ${(failed.join(' ') || '0').padEnd(16)}${String(restarted).padStart(9)}   ${percentile(tally.legitMs, 0.5).toFixed(0).padStart(5)} / ${percentile(tally.legitMs, 0.95).toFixed(0)} ms`,
  );
}

const stack = await stackOnFreePorts(
  tempDir(),
  { PATH: process.env.PATH, HOME: process.env.HOME, JWT_SIGNING_KEY: secret },
  availableParallelism(),
);
const production = { ...stack.env, NODE_ENV: 'production' };
await provideUser(production, 'victim', 'victim-password');
await provideUser(production, 'alice', 'alice-password');
try {
  await runStackCommand('up', stack.env);
  console.log(
    `${clients} clients guessing for ${seconds} s per phase, one address; alice logs in once a second\n`,
  );
  console.log(
    'phase                   hashed  refused  failed          restarts   alice p50 / p95',
  );
  const one = await phase(stack.url, () => 'victim');
  const afterOne = await restarts(stack.env);
  report('one account', one, afterOne);
  const many = await phase(stack.url, (n) => `user-${n}`);
  report('a new account each', many, (await restarts(stack.env)) - afterOne);
} finally {
  await runStackCommand('down', stack.env);
}
