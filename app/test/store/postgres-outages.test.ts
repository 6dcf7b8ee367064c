import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.ts';
import { startTestServer, testEnv, type TestServer } from '../support/test-server.ts';
import { freePort } from '../../../tools/network.ts';
import {
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../../../testing/throwaway-postgres.ts';
import { makeSelfSignedCertificate } from '../../../tools/self-signed-certificate.ts';
import { runScript } from '../../../testing/run-script.ts';
import { tempDir } from '../../../testing/temp-dir.ts';

const startUp = (databaseUrl: string) =>
  runScript('app/src/start.ts', [], { env: testEnv(tempDir(), { DATABASE_URL: databaseUrl }) });

describe('a server on PostgreSQL', () => {
  let server: ThrowawayPostgres;
  before(async () => {
    server = await startThrowawayPostgres();
  });
  after(() => server.remove());

  describe('at start-up', () => {
    it('stops in one line naming DATABASE_URL, without its password, when nothing listens there', async () => {
      const url = `postgres://kit:hunter22@127.0.0.1:${await freePort()}/app`;
      const result = await startUp(url);
      assert.equal(result.code, 1);
      assert.equal(
        result.stderr,
        `database error: cannot use the database at DATABASE_URL=${url.replace('hunter22', '***')}: connection refused (is PostgreSQL running and listening there?)\n`,
      );
    });

    it('says the password was refused, and not what it was', async () => {
      const url = server.url('postgres').replace(/:[^:@]+@/, ':wrong-password@');
      const result = await startUp(url);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /^database error: cannot use the database at DATABASE_URL=postgres:\/\/kit:\*\*\*@127\.0\.0\.1:\d+\/postgres: password authentication failed for user "kit"\n$/,
      );
      assert.ok(!result.stderr.includes('wrong-password'));
    });

    it('says which database is missing', async () => {
      const result = await startUp(server.url('no_such_database'));
      assert.equal(result.code, 1);
      assert.match(result.stderr, /: database "no_such_database" does not exist\n$/);
      assert.equal(result.stderr.split('\n').length, 2);
    });
  });

  describe('when the database goes away while it runs', () => {
    let api: TestServer;
    let access: string;
    let refresh: string;
    before(async () => {
      api = await startTestServer({
        DATABASE_URL: await server.createDatabase('outage'),
        DATABASE_TIMEOUT: '2s',
      });
      await api.createUser('alice', 'pw');
      ({ access, refresh } = await api.login('alice', 'pw'));
      await server.stop();
    });
    after(() => api.stop());

    it('is not ready, and says the database is why', async () => {
      const ready = await api.get('/readyz');
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json, {
        status: 'not ready',
        checks: { database: 'unreachable', keys: 'ok' },
      });
    });

    it('answers what needs the database with a JSON 503 and Retry-After, and stays alive', async () => {
      const started = Date.now();
      const login = await api.post('/api/token/', { username: 'alice', password: 'pw' });
      const hello = await api.get('/hello/', { headers: { authorization: `Bearer ${access}` } });
      const rotated = await api.post('/api/token/refresh/', { refresh });
      for (const reply of [login, hello, rotated]) {
        assert.equal(reply.status, 503);
        assert.deepEqual(reply.json, {
          detail: 'Service temporarily unavailable, try again later.',
        });
        assert.equal(reply.headers.get('retry-after'), '5');
      }
      assert.ok(Date.now() - started < 6000, 'the 503s came within DATABASE_TIMEOUT');
      assert.equal((await api.get('/healthz')).status, 200);
    });

    it('serves again once the database is back, with the tokens it issued before', async () => {
      await server.start();
      assert.equal((await api.get('/readyz')).status, 200);
      const rotated = await api.post('/api/token/refresh/', { refresh });
      assert.equal(rotated.status, 200);
      const hello = await api.get('/hello/', { headers: { authorization: `Bearer ${access}` } });
      assert.equal(hello.status, 200);
    });
  });

  it('reads its password from DATABASE_PASSWORD_FILE, as from a Docker secret', async () => {
    const url = new URL(await server.createDatabase('from_secret'));
    const file = join(tempDir(), 'database_password');
    writeFileSync(file, `${decodeURIComponent(url.password)}\n`);
    url.password = '';
    const api = await startTestServer({
      DATABASE_URL: url.href,
      DATABASE_PASSWORD_FILE: file,
    });
    try {
      assert.equal((await api.get('/readyz')).status, 200);
    } finally {
      await api.stop();
    }
  });

  it('gives its connections back when it stops', async () => {
    const api = await startTestServer({ DATABASE_URL: await server.createDatabase('draining') });
    await api.createUser('bob', 'pw');
    await api.login('bob', 'pw');
    assert.ok((await server.sessionsOf('prodstack-kit')) > 0);
    await api.stop();
    assert.equal(await server.sessionsOf('prodstack-kit'), 0);
  });
});

describe('PostgreSQL over TLS', () => {
  const certificates = join(tempDir(), 'tls');
  makeSelfSignedCertificate(certificates, 1);
  const ca = join(certificates, 'cert.pem');
  let server: ThrowawayPostgres;
  before(async () => {
    server = await startThrowawayPostgres({
      tls: {
        cert: readFileSync(ca, 'utf8'),
        key: readFileSync(join(certificates, 'key.pem'), 'utf8'),
      },
    });
  });
  after(() => server.remove());

  it('connects encrypted with sslmode=verify-full and the CA in sslrootcert', async () => {
    const url = `${await server.createDatabase('tls')}?sslmode=verify-full&sslrootcert=${ca}`;
    const store = await openStore(url, 0);
    try {
      await store.users.create('carol', 'h', 0);
      assert.equal((await store.users.findByUsername('carol'))?.username, 'carol');
      const admin = new pg.Client({ connectionString: server.url() });
      await admin.connect();
      const { rows } = await admin.query<{ ssl: boolean }>(
        "SELECT ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE application_name = 'prodstack-kit'",
      );
      await admin.end();
      assert.ok(rows.length > 0);
      assert.ok(rows.every((row) => row.ssl));
    } finally {
      await store.close();
    }
  });

  it('refuses a server whose certificate it cannot check', async () => {
    await assert.rejects(
      openStore(`${server.url('postgres')}?sslmode=verify-full`, 0),
      /cannot use the database at DATABASE_URL=.*: self-signed certificate/,
    );
  });
});
