/**
 * The second attack's reproductions, each with what the stack answers now: concurrent guesses at
 * one account, a login flood with a real user's login in it, an account an attacker tries to
 * lock, the time of a failed login for six kinds of account, and pm2's daemon killed and a
 * worker hung under traffic. Every client sends from a loopback address of its own, so nginx
 * and the app tell them apart as they would machines. Figures, not a test: the tests assert
 * the same behaviour (app/test/http/login-throttle.test.ts, stack/test/host-stack.test.ts).
 */
import { pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore, provideUser } from '../../app/src/index.ts';
import { median } from '../../testing/median.ts';
import { failuresOf, startRequestLoop } from '../../testing/request-loop.ts';
import { loginFrom, type LoginAnswer } from './login-from.ts';

export interface Target {
  url: string;
  appPort: number;
  env: NodeJS.ProcessEnv;
  stateDir: string;
  say: (what: string, answer: unknown) => void;
}

const tally = (answers: LoginAnswer[]) => {
  const counts: Record<string, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

const address = (block: number, n: number) => `127.0.${block}.${n + 1}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function failuresCounted(target: Target, key: string): Promise<number> {
  const store = await openStore(target.env.DATABASE_URL ?? '', 0);
  try {
    const at = Math.floor(Date.now() / 1000);
    return (await store.loginFailures.open([key], at, 900)).get(key)?.failures ?? 0;
  } finally {
    await store.close();
  }
}

/** 1. Guesses sent at once get no further than the limit, on a worker's own port too. */
export async function concurrentGuesses(target: Target): Promise<void> {
  const worker = `http://127.0.0.1:${target.appPort}`;
  const direct = await Promise.all(
    Array.from({ length: 30 }, () => loginFrom(worker, 'victim-1', 'guess', '127.0.0.1')),
  );
  target.say('1. 30 guesses at once, at a worker', tally(direct));
  target.say(
    '   of which hashed (counted)',
    `${await failuresCounted(target, 'account:victim-1')} (limit per account and address: 10)`,
  );
  const spread = await Promise.all(
    Array.from({ length: 72 }, (_, i) =>
      loginFrom(target.url, 'victim-2', 'guess', address(2, i % 12)),
    ),
  );
  target.say('   72 at once from 12 addresses, nginx', tally(spread));
}

/** 2. A real login during a flood: answered at once or in bounded time, never after 30 s. */
export async function floodWithRealLogin(target: Target): Promise<void> {
  const until = Date.now() + 20_000;
  const flood = Array.from({ length: 90 }, async (_, i) => {
    const answers: LoginAnswer[] = [];
    while (Date.now() < until) {
      answers.push(await loginFrom(target.url, `nobody-${i}`, 'x', address(3, i % 15)));
    }
    return answers;
  });
  const real: string[] = [];
  const floodStart = until - 20_000;
  for (const at of [2000, 8000, 14_000]) {
    await sleep(Math.max(0, floodStart + at - Date.now()));
    const started = performance.now();
    let answer = await loginFrom(target.url, 'alice', 'pw', '127.0.4.1');
    const first = `${answer.status} in ${seconds(answer.ms)}`;
    while (answer.status === '503' || answer.status === '429') {
      await sleep(answer.retryAfter * 1000);
      answer = await loginFrom(target.url, 'alice', 'pw', '127.0.4.1');
    }
    real.push(`${first}, ${answer.status} after ${seconds(performance.now() - started)}`);
  }
  const answers = (await Promise.all(flood)).flat();
  target.say('2. flood: 90 looping clients, 15 addresses', tally(answers));
  target.say("   alice's login at 2, 8, 14 s", real.join('; '));
}

/** 3. Guesses for one account from many addresses lock out the guessers, not its owner. */
export async function lockoutAttempt(target: Target): Promise<void> {
  await provideUser(target.env, 'victim-3', 'her password');
  await Promise.all(
    Array.from({ length: 10 }, (_, i) => loginFrom(target.url, 'victim-3', 'guess', address(5, i))),
  );
  const hers = await loginFrom(target.url, 'victim-3', 'her password', '127.0.6.1');
  target.say('3. 10 guesses from 10 addresses, then hers', `${hers.status} from her own address`);
}

/** 4. The time of a failed login, by what the account holds. */
export async function failedLoginTimes(target: Target): Promise<void> {
  await provideUser(target.env, 'deactivated', 'pw');
  const store = await openStore(target.env.DATABASE_URL ?? '', 0);
  const pbkdf2 = `pbkdf2_sha256$870000$salt$${pbkdf2Sync('x', 'salt', 870_000, 32, 'sha256').toString('base64')}`;
  try {
    await store.users.create('imported-md5', 'md5$salt$9a0364b9e99bb480dd25e1f0284c8555', 0);
    await store.users.create('imported-unusable', '!unusablexxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 0);
    await store.users.create('imported-pbkdf2', pbkdf2, 0);
    const deactivated = await store.users.findByUsername('deactivated');
    if (deactivated) await store.users.setActive(deactivated.id, false);
  } finally {
    await store.close();
  }
  const kinds: [string, string, string][] = [
    ['unknown user', 'no-such-user', 'x'],
    ['wrong password', 'alice', 'wrong'],
    ['deactivated', 'deactivated', 'pw'],
    ['imported md5', 'imported-md5', 'wrong'],
    ['unusable password', 'imported-unusable', 'wrong'],
    ['imported pbkdf2', 'imported-pbkdf2', 'wrong'],
  ];
  const medians: string[] = [];
  let n = 0;
  for (const [kind, username, password] of kinds) {
    const times: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      // A new address each time: nginx's login rate and the per-address limits stay out of it.
      times.push(
        (await loginFrom(target.url, username, password, address(7 + Math.floor(n / 200), n % 200)))
          .ms,
      );
      n += 1;
    }
    medians.push(`${kind} ${median(times).toFixed(0)} ms`);
  }
  target.say('4. failed login, median of 7', medians.join(', '));
}

/** Each worker's pid, from its metrics port; undefined for one that does not answer. */
async function workerPids(target: Target): Promise<(number | undefined)[]> {
  const base = Number(target.env.METRICS_PORT);
  return Promise.all(
    [base, base + 1].map((port) =>
      fetch(`http://127.0.0.1:${port}/metrics/worker`, { signal: AbortSignal.timeout(1000) })
        .then(async (r) => ((await r.json()) as { pid: number }).pid)
        .catch(() => undefined),
    ),
  );
}

/** Waits until both workers answer, none of them `gone`; resolves with the ms it took. */
async function untilBothAnswer(target: Target, started: number, gone?: number): Promise<number> {
  for (;;) {
    const pids = await workerPids(target);
    if (pids.every((pid) => pid !== undefined && pid !== gone)) return Date.now() - started;
    await sleep(200);
  }
}

/** 5. pm2's daemon killed, then a worker hung, under GET traffic through nginx. */
export async function supervisorUnderTraffic(target: Target): Promise<void> {
  const gets = () => startRequestLoop({ url: `${target.url}/healthz`, clients: 4, maxSeconds: 60 });
  let loop = gets();
  await sleep(1000);
  const daemon = Number(readFileSync(join(target.stateDir, 'pm2', 'pm2.pid'), 'utf8'));
  const [oldPid] = await workerPids(target);
  let started = Date.now();
  process.kill(daemon, 'SIGKILL');
  const back = await untilBothAnswer(target, started, oldPid);
  await sleep(1000);
  let counts = await loop.stop();
  target.say(
    "5. pm2's daemon SIGKILLed",
    `workers back after ${seconds(back)}; GET ${failuresOf(counts, 200)} failed of ${counts.requests}`,
  );
  loop = gets();
  await sleep(1000);
  const [hung] = await workerPids(target);
  if (hung === undefined) throw new Error('worker 0 does not answer');
  started = Date.now();
  process.kill(hung, 'SIGSTOP');
  const replaced = await untilBothAnswer(target, started, hung);
  await sleep(1000);
  counts = await loop.stop();
  target.say(
    '   a worker SIGSTOPped',
    `replaced after ${seconds(replaced)}; GET ${failuresOf(counts, 200)} failed of ${counts.requests}`,
  );
}
