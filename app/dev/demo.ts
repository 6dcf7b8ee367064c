/**
 * `npm run demo`: starts the dev server (`npm run dev`) with a demo user and walks through a token
 * round trip against it, printing each request as curl would send it. The server then keeps
 * running for you until Ctrl-C; `--once` stops it after the round trip (for tests and scripts).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadEnvFile } from '../../settings/index.ts';
import { provideUser } from '../src/cli/provide-user.ts';

const once = process.argv.includes('--once');
const username = 'demo';
const password = randomBytes(9).toString('base64url');

loadEnvFile();
process.env.NODE_ENV = 'development';
process.env.DATABASE_URL ??= 'sqlite:var/demo/app.sqlite3';

/** Starts `npm run dev` in its own process group and resolves with its URL. */
function startDevServer() {
  const child = spawn('npm', ['run', '--silent', 'dev'], {
    env: { ...process.env, LOG_FORMAT: 'pretty' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGINT');
    await exited;
  };
  const url = new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (!once) process.stdout.write(chunk);
      seen += chunk.toString();
      const match = /listening\s+url=(\S+)/.exec(seen);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => {
      reject(new Error(`the dev server exited (code ${String(code)}) before listening`));
    });
  });
  return { url, stop, child };
}

interface Step {
  title: string;
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, string>;
  token?: string;
  expect: number;
}

/** Tokens are long; the first characters are enough to tell them apart on screen. */
const abbreviateTokens = (text: string) => text.replace(/"(ey[\w-]{10})[\w.-]+"/g, '"$1…"');

async function call(base: string, step: Step): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {};
  if (step.body) headers['content-type'] = 'application/json';
  if (step.token) headers.authorization = `Bearer ${step.token}`;
  const curl = [
    `curl -X ${step.method} ${base}${step.path}`,
    ...(step.token ? [`-H 'Authorization: Bearer <access>'`] : []),
    ...(step.body ? [`-H 'Content-Type: application/json' -d '${JSON.stringify(step.body)}'`] : []),
  ].join(' ');
  const response = await fetch(base + step.path, {
    method: step.method,
    headers,
    ...(step.body ? { body: JSON.stringify(step.body) } : {}),
  });
  const body = (await response.json()) as Record<string, unknown>;
  const shown = abbreviateTokens(JSON.stringify(body));
  const ok = response.status === step.expect;
  console.log(
    `\n${ok ? '✔' : '✘'} ${step.title}\n  $ ${abbreviateTokens(curl)}\n  → ${response.status} ${shown}`,
  );
  if (!ok) throw new Error(`${step.title}: expected ${step.expect}, got ${response.status}`);
  return body;
}

async function roundTrip(base: string): Promise<void> {
  const pair = await call(base, {
    title: 'log in: a refresh and an access token',
    method: 'POST',
    path: '/api/token/',
    body: { username, password },
    expect: 200,
  });
  const access = String(pair.access);
  const refresh = String(pair.refresh);
  await call(base, {
    title: 'call a protected route',
    method: 'GET',
    path: '/hello/',
    token: access,
    expect: 200,
  });
  await call(base, {
    title: 'without a token it is refused',
    method: 'GET',
    path: '/hello/',
    expect: 401,
  });
  const rotated = await call(base, {
    title: 'refresh: a new access token, and the refresh token rotates',
    method: 'POST',
    path: '/api/token/refresh/',
    body: { refresh },
    expect: 200,
  });
  await call(base, {
    title: 'the old refresh token is now spent',
    method: 'POST',
    path: '/api/token/refresh/',
    body: { refresh },
    expect: 401,
  });
  await call(base, {
    title: 'verify a token',
    method: 'POST',
    path: '/api/token/verify/',
    body: { token: String(rotated.access) },
    expect: 200,
  });
}

await provideUser(process.env, username, password);
const server = startDevServer();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void server.stop());
}
try {
  const base = await server.url;
  console.log(`\nDemo user "${username}", password "${password}" (new on every run), at ${base}`);
  await roundTrip(base);
  if (once) {
    console.log('\nround trip complete');
  } else {
    console.log(
      `\nThe dev server keeps running at ${base}/ — try the curl lines above. Ctrl-C stops it.`,
    );
  }
} catch (error) {
  console.error(`\ndemo failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
if (once || process.exitCode === 1) await server.stop();
