import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { runScript } from '../../../testing/run-script.ts';
import { tempDir } from '../../../testing/temp-dir.ts';
import { testSecret } from '../../../testing/test-secret.ts';
import { WallClock } from '../support/fake-clock.ts';
import { startTestServer, testEnv, type TestServer } from '../support/test-server.ts';

const cli = 'app/src/cli/users-cli.ts';
const now = Math.floor(Date.now() / 1000);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Django 5.2's pbkdf2_sha256 of "correct horse ✓" (1000 iterations, for speed). */
const djangoHash =
  'pbkdf2_sha256$1000$saltsaltsalt1234$RewlfagUxPfKqRvtg3HZtHxueMfzlW0UG9Lft2G3DSU=';

const jtis = { live: 'a'.repeat(32), blacklisted: 'b'.repeat(32), expired: 'c'.repeat(32) };

/** What `manage.py dumpdata auth.user token_blacklist --format json` writes, in its shape. */
const dumpdata = [
  {
    model: 'auth.user',
    pk: 7,
    fields: {
      password: djangoHash,
      last_login: iso(now - 3600),
      is_superuser: false,
      username: 'django-dora',
      first_name: '',
      last_name: '',
      email: '',
      is_staff: false,
      is_active: true,
      date_joined: iso(now - 86_400),
      groups: [],
      user_permissions: [],
    },
  },
  {
    model: 'auth.user',
    pk: 9,
    fields: {
      password: 'md5$salt$0123456789abcdef0123456789abcdef',
      last_login: null,
      username: 'old-oscar',
      is_active: true,
      date_joined: iso(now - 86_400),
    },
  },
  ...Object.entries(jtis).map(([name, jti], index) => ({
    model: 'token_blacklist.outstandingtoken',
    pk: index + 1,
    fields: {
      user: 7,
      jti,
      token: `<${name} refresh token>`,
      created_at: iso(now - 60),
      expires_at: iso(name === 'expired' ? now - 1 : now + 86_400),
    },
  })),
  {
    model: 'token_blacklist.blacklistedtoken',
    pk: 1,
    fields: { token: 2, blacklisted_at: iso(now - 30) },
  },
];

/** A refresh token as the Django deployment issued it: its key, user_id as a string. */
const djangoRefresh = (jti: string) =>
  jwt.sign(
    { token_type: 'refresh', exp: now + 86_400, iat: now - 60, jti, user_id: '7' },
    testSecret,
  );

describe('npm run users -- import-django', () => {
  const dir = tempDir();
  const env = testEnv(dir);
  const file = join(dir, 'django-users.json');
  const users = (args: string[]) => runScript(cli, args, { env });
  let api: TestServer;

  before(async () => {
    writeFileSync(file, JSON.stringify(dumpdata));
    api = await startTestServer({}, { dir, clock: new WallClock() });
  });
  after(() => api.stop());

  it('reports what it would import on --dry-run and writes nothing', async () => {
    const result = await users(['import-django', file, '--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^users: 2 added, 0 already here \(passwords: pbkdf2_sha256 1, unchecked md5 1\)$/m,
    );
    assert.match(
      result.stdout,
      /^refresh tokens: 2 added, 0 already here, 1 expired and left behind/m,
    );
    assert.match(result.stdout, /^blacklisted tokens: 1 added/m);
    assert.match(result.stdout, /^dry run: nothing was written$/m);
    assert.equal(await api.store.users.findById(7), undefined);
  });

  it('imports the users with their ids, states and password hashes', async () => {
    const result = await users(['import-django', file]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^1 user\(s\) have passwords this API cannot check/m);
    const dora = await api.store.users.findById(7);
    assert.deepEqual(dora, {
      id: 7,
      username: 'django-dora',
      passwordHash: djangoHash,
      isActive: true,
      dateJoined: now - 86_400,
      lastLogin: now - 3600,
    });
  });

  it('adds nothing twice when run again', async () => {
    const result = await users(['import-django', file]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^users: 0 added, 2 already here/m);
    assert.match(result.stdout, /^refresh tokens: 0 added, 2 already here/m);
    assert.match(result.stdout, /^blacklisted tokens: 0 added, 1 already here$/m);
  });

  it('lets an imported user log in with the Django password, then keeps it as scrypt', async () => {
    await api.login('django-dora', 'correct horse ✓');
    const dora = await api.store.users.findById(7);
    assert.match(dora?.passwordHash ?? '', /^scrypt\$ln=/);
    await api.login('django-dora', 'correct horse ✓');
  });

  it('keeps Django’s live refresh tokens working and its blacklisted ones refused', async () => {
    const live = await api.post('/api/token/refresh/', { refresh: djangoRefresh(jtis.live) });
    assert.equal(live.status, 200, live.text);
    const blacklisted = await api.post('/api/token/refresh/', {
      refresh: djangoRefresh(jtis.blacklisted),
    });
    assert.equal(blacklisted.status, 401);
    assert.equal(blacklisted.json.detail, 'Token is blacklisted');
  });

  it('refuses to import over users that clash, and says which', async () => {
    const clashing = join(dir, 'clash.json');
    writeFileSync(
      clashing,
      JSON.stringify([{ ...dumpdata[0], pk: 8, fields: { ...dumpdata[0]?.fields } }]),
    );
    const result = await users(['import-django', clashing]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /1 Django user\(s\) clash with users already here; nothing was imported:\n {2}"django-dora" \(id 8\) is id 7 here/,
    );
  });

  it('says how to make the file when it is not a dumpdata export', async () => {
    const cases = { 'notes.txt': 'hello', 'object.json': '{"users": []}', 'empty.json': '[]' };
    for (const [name, content] of Object.entries(cases)) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const result = await users(['import-django', path]);
      assert.equal(result.code, 1, name);
      assert.match(
        result.stderr,
        /python manage\.py dumpdata auth\.user token_blacklist --format json/,
        name,
      );
    }
    const missing = await users(['import-django', join(dir, 'nowhere.json')]);
    assert.match(missing.stderr, /^error: cannot read .*nowhere\.json/);
    assert.equal((await users(['import-django'])).code, 2);
  });
});
