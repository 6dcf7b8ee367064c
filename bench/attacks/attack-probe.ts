/**
 * `npm run bench:attack`: the reproductions of the attacks on the host stack, run against a stack
 * of its own, each printed with what the stack answered. The first attack: a login path in
 * another case, bodies that do not decode, a form of 1001 fields, requests nginx refuses itself,
 * the headers of token answers and of nginx's 429, how long a worker holds a body that never
 * completes, and who may read the database and the logs. The second (second-attack.ts):
 * concurrent guesses, a login flood, an account lockout, failed-login timing, pm2's daemon
 * killed and a worker hung. Figures, not a test: the tests assert the same things.
 */
import { connect } from 'node:net';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../testing/temp-dir.ts';
import { provideUser } from '../../app/src/index.ts';
import { runStackCommand } from '../../stack/local-servers.ts';
import { stackOnFreePorts } from '../../stack/stack-on-free-ports.ts';
import {
  concurrentGuesses,
  failedLoginTimes,
  floodWithRealLogin,
  lockoutAttempt,
  supervisorUnderTraffic,
  type Target,
} from './second-attack.ts';

const json = { 'content-type': 'application/json' };
const say = (what: string, answer: unknown) => {
  console.log(`${what.padEnd(44)} ${typeof answer === 'string' ? answer : JSON.stringify(answer)}`);
};

/** Bytes as written, to the port given; resolves with what came back once the server closes. */
function raw(port: number, text: string, capMs = 60_000): Promise<{ answer: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      resolve({ answer, ms: Date.now() - started });
    };
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', done);
    socket.on('error', done);
    socket.write(text);
    setTimeout(() => socket.destroy(), capMs).unref();
  });
}

const statusLine = (answer: string) =>
  `${answer.split('\r\n')[0] ?? ''} (${/content-type: (\S+)/i.exec(answer)?.[1] ?? 'no body type'})`;

async function probe(url: string, appPort: number, nginxPort: number): Promise<void> {
  const counts: Record<string, number> = {};
  const burst = await Promise.all(
    Array.from({ length: 300 }, () =>
      fetch(`${url}/API/TOKEN/`, { method: 'POST', headers: json, body: '{"username":"x"}' }).then(
        (r) => String(r.status),
        () => 'error',
      ),
    ),
  );
  for (const status of burst) counts[status] = (counts[status] ?? 0) + 1;
  say('300 × POST /API/TOKEN/ at once', counts);
  for (const encoding of ['gzip', 'br', 'deflate']) {
    const r = await fetch(`${url}/api/token/verify/`, {
      method: 'POST',
      headers: { ...json, 'content-encoding': encoding },
      body: 'garbage',
    });
    say(`body that is not ${encoding}`, `${r.status} ${await r.text()}`);
  }
  const form = Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&');
  const formReply = await fetch(`${url}/api/token/verify/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  say('form of 1001 fields', `${formReply.status} ${await formReply.text()}`);
  for (const [what, request] of [
    ['GET /../etc/passwd', 'GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['TRACE /', 'TRACE / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a 9000-byte URL', `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
    ['a 9000-byte header', `GET / HTTP/1.1\r\nHost: x\r\nX-A: ${'a'.repeat(9000)}\r\n\r\n`],
  ] as const) {
    const reply = await raw(
      nginxPort,
      request.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'),
    );
    say(`nginx: ${what}`, statusLine(reply.answer));
  }
  // Past the burst above, nginx's login zone needs a few seconds to let one through again.
  await new Promise((resolve) => setTimeout(resolve, 6000));
  const login = await fetch(`${url}/api/token/`, { method: 'POST', headers: json, body: '{}' });
  say(
    `Cache-Control of a token answer (${login.status})`,
    String(login.headers.get('cache-control')),
  );
  const refused = (
    await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${url}/api/token/`, { method: 'POST', headers: json, body: '{}' }),
      ),
    )
  ).find((r) => r.status === 429);
  say("Retry-After of nginx's 429", String(refused?.headers.get('retry-after')));
  const slow = await raw(
    appPort,
    'POST /api/token/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
  );
  say('a worker holds an unfinished body for', `${(slow.ms / 1000).toFixed(1)} s (cap 60)`);
}

function modes(stateDir: string): Record<string, string> {
  const files = [
    ...readdirSync(stateDir).filter((name) => name.startsWith('app.sqlite3')),
    ...readdirSync(join(stateDir, 'log')).map((name) => join('log', name)),
  ];
  return Object.fromEntries(
    files.map((file) => [file, (statSync(join(stateDir, file)).mode & 0o777).toString(8)]),
  );
}

const stateDir = tempDir();
const stack = await stackOnFreePorts(stateDir, {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  JWT_SIGNING_KEY: 'attack-secret-that-is-long-enough-for-hs256!',
});
try {
  await provideUser(stack.env, 'alice', 'pw');
  await runStackCommand('up', stack.env);
  await probe(stack.url, Number(stack.env.APP_PORT), Number(stack.env.NGINX_PORT));
  say('file modes', modes(stateDir));
  const target: Target = {
    url: stack.url,
    appPort: Number(stack.env.APP_PORT),
    env: stack.env,
    stateDir,
    say,
  };
  console.log('\nthe second attack');
  for (const reproduction of [
    concurrentGuesses,
    floodWithRealLogin,
    lockoutAttempt,
    failedLoginTimes,
    supervisorUnderTraffic,
  ]) {
    await reproduction(target);
  }
} finally {
  await runStackCommand('down', stack.env);
}
