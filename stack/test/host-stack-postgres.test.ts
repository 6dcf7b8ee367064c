import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../tools/network.ts';
import { send } from '../../testing/http-client.ts';
import { tempDir } from '../../testing/temp-dir.ts';
import {
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../../testing/throwaway-postgres.ts';
import { prepareTestStack, type TestStack } from '../../testing/test-stack.ts';

describe('the host stack on PostgreSQL', () => {
  let server: ThrowawayPostgres;
  let stack: TestStack['stack'];
  let url: string;
  const login = async () => {
    const reply = await send('POST', `${url}/api/token/`, {
      json: { username: 'alice', password: 'pw' },
    });
    assert.equal(reply.status, 200, reply.text);
    return reply.json as { access: string; refresh: string };
  };
  const refresh = (token: string) =>
    send('POST', `${url}/api/token/refresh/`, { json: { refresh: token } });

  before(async () => {
    server = await startThrowawayPostgres();
    const databaseUrl = await server.createDatabase('stack');
    ({ stack, url } = await prepareTestStack({
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '3',
    }));
    const up = await stack('up');
    assert.equal(up.code, 0, up.stdout + up.stderr);
  });
  after(async () => {
    const down = await stack('down');
    await server.remove();
    assert.equal(down.code, 0, down.stderr);
  });

  it('is ready through nginx, its database answering', async () => {
    const ready = await send('GET', `${url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.json.checks, { database: 'ok', keys: 'ok' });
  });

  it('serves login, a protected route, refresh and blacklist, whichever worker answers', async () => {
    const { access, refresh: first } = await login();
    assert.equal((await send('GET', `${url}/hello/`, { token: access })).status, 200);
    const rotated = await refresh(first);
    assert.equal(rotated.status, 200);
    const next = String(rotated.json.refresh);
    const logout = await send('POST', `${url}/api/token/blacklist/`, { json: { refresh: next } });
    assert.equal(logout.status, 200);
    for (let n = 0; n < 4; n += 1) {
      assert.equal((await refresh(next)).status, 401, 'a logged-out token was accepted');
    }
  });

  it('lets one of ten simultaneous refreshes of a token win, and revokes the family for the rest', async () => {
    const { refresh: contested } = await login();
    const replies = await Promise.all(Array.from({ length: 10 }, () => refresh(contested)));
    const statuses = replies.map((reply) => reply.status).sort();
    assert.deepEqual(statuses, [200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
    const winner = replies.find((reply) => reply.status === 200);
    const revoked = await refresh(String(winner?.json.refresh));
    assert.equal(revoked.status, 401, "the winner's token outlived the reuse");
  });

  it('stops at once when its database refuses, naming DATABASE_URL without the password', async () => {
    const refused = `postgres://kit:hunter22@127.0.0.1:${await freePort()}/kit`;
    const other = {
      STACK_STATE_DIR: tempDir(),
      NGINX_PORT: String(await freePort()),
      APP_PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
      DATABASE_URL: refused,
    };
    const result = await stack('up', other);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /the app could not start:\ndatabase error: cannot use the database at DATABASE_URL=postgres:\/\/kit:\*\*\*@127\.0\.0\.1:\d+\/kit: connection refused/,
    );
    assert.ok(!result.stderr.includes('hunter22'));
    assert.match((await stack('status', other)).stdout, /the stack is not running/);
  });

  it('holds a few connections per worker while it runs, and none once it is down', async () => {
    const sessions = await server.sessionsOf('prodstack-kit');
    assert.ok(sessions >= 2 && sessions <= 2 * 3, `${sessions} sessions for 2 workers of 3`);
    const down = await stack('down');
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await server.sessionsOf('prodstack-kit'), 0);
  });
});
