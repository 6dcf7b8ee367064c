/**
 * Moving from a real Django + simplejwt deployment (testing/django-reference, under gunicorn): its
 * users, hashed by Django at its default costs in every format the import checks, and the tokens
 * it issued and blacklisted, brought over by `npm run users -- import-django` from its dumpdata
 * and from its SQLite file.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  startDjangoReference,
  type DjangoReference,
} from '../../../testing/django-reference/django-reference.ts';
import { send } from '../../../testing/http-client.ts';
import { runScript } from '../../../testing/run-script.ts';
import { tempDir } from '../../../testing/temp-dir.ts';
import { WallClock } from '../support/fake-clock.ts';
import { startTestServer, testEnv, type TestServer } from '../support/test-server.ts';

const secretKey = 'the-django-projects-secret-key-kept-as-the-signing-key';
const hashers = ['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'bcrypt_sha256', 'scrypt'];
const passwordOf = (hasher: string) => `${hasher} password ✓`;

describe('moving from a real Django + simplejwt deployment', () => {
  const dir = tempDir();
  const djangoDatabase = join(dir, 'django.sqlite3');
  const env = testEnv(dir, { JWT_SIGNING_KEY: secretKey });
  let django: DjangoReference;
  let api: TestServer | undefined;
  let issued: { access: string; refresh: string };
  let blacklisted: string;

  before(async () => {
    django = await startDjangoReference({ secretKey, database: djangoDatabase });
    for (const hasher of hashers) django.createUser(`user-${hasher}`, passwordOf(hasher), hasher);
    const login = async () => {
      const reply = await send('POST', `${django.url}/api/token/`, {
        json: { username: 'user-pbkdf2_sha256', password: passwordOf('pbkdf2_sha256') },
      });
      assert.equal(reply.status, 200, reply.text);
      return reply.json as { access: string; refresh: string };
    };
    issued = await login();
    blacklisted = (await login()).refresh;
    const reply = await send('POST', `${django.url}/api/token/blacklist/`, {
      json: { refresh: blacklisted },
    });
    assert.equal(reply.status, 200);
    await django.stop();
  });
  after(async () => {
    await Promise.all([django.stop(), api?.stop()]);
  });

  it('reads the Django database file as it reads its dumpdata', async () => {
    const dump = join(dir, 'dumpdata.json');
    writeFileSync(
      dump,
      django.manage(['dumpdata', 'auth.user', 'token_blacklist', '--format', 'json']),
    );
    const fromDump = await runScript(
      'app/src/cli/users-cli.ts',
      ['import-django', dump, '--dry-run'],
      {
        env,
      },
    );
    const fromDatabase = await runScript(
      'app/src/cli/users-cli.ts',
      ['import-django', djangoDatabase, '--dry-run'],
      { env },
    );
    assert.equal(fromDump.code, 0, fromDump.stderr);
    assert.equal(fromDatabase.stdout, fromDump.stdout);
    assert.match(
      fromDump.stdout,
      /^users: 5 added, 0 already here \(passwords: pbkdf2_sha256 1, pbkdf2_sha1 1, argon2 1, bcrypt_sha256 1, scrypt 1\)$/m,
    );
    assert.match(fromDump.stdout, /^refresh tokens: 2 added/m);
    assert.match(fromDump.stdout, /^blacklisted tokens: 1 added/m);
  });

  it('logs every user in with the password Django hashed, in each of its formats', async () => {
    const dump = join(dir, 'dumpdata.json');
    const result = await runScript('app/src/cli/users-cli.ts', ['import-django', dump], { env });
    assert.equal(result.code, 0, result.stderr);
    api = await startTestServer({ JWT_SIGNING_KEY: secretKey }, { dir, clock: new WallClock() });
    for (const hasher of hashers) {
      const reply = await api.post('/api/token/', {
        username: `user-${hasher}`,
        password: passwordOf(hasher),
      });
      assert.equal(reply.status, 200, `${hasher}: ${reply.text}`);
    }
  });

  it('accepts the tokens Django issued before the switch, and refuses the one it blacklisted', async () => {
    assert.ok(api, 'the server the import went into');
    assert.equal((await api.get('/hello/', { token: issued.access })).status, 200);
    const refreshed = await api.post('/api/token/refresh/', { refresh: issued.refresh });
    assert.equal(refreshed.status, 200, refreshed.text);
    const refused = await api.post('/api/token/refresh/', { refresh: blacklisted });
    assert.equal(refused.status, 401);
    assert.equal(refused.json.detail, 'Token is blacklisted');
  });
});
