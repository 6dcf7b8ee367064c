import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openStore } from '../../src/store/open-store.ts';
import { runScript } from '../../../testing/run-script.ts';
import { testDatabaseUrl } from '../support/test-database.ts';
import { testEnv } from '../support/test-server.ts';
import { tempDir } from '../../../testing/temp-dir.ts';

const cli = 'app/src/cli/users-cli.ts';
const run = promisify(execFile);

describe('npm run users', () => {
  let env: NodeJS.ProcessEnv;
  const users = (args: string[], input?: string) => runScript(cli, args, { env, input });

  before(async () => {
    const dir = tempDir();
    env = testEnv(dir, { DATABASE_URL: await testDatabaseUrl(dir) });
  });

  it('adds a user with the password read from stdin', async () => {
    const result = await users(['add', 'alice'], 'correct horse\n');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'created user "alice" (id 1)\n');
  });

  it('refuses a duplicate user with a clear error and exit 1', async () => {
    const result = await users(['add', 'alice'], 'pw\n');
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'error: user "alice" already exists\n');
  });

  it('refuses an empty password', async () => {
    const result = await users(['add', 'bob'], '\n');
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'error: password must not be empty\n');
  });

  it('lists, deactivates and changes passwords', async () => {
    assert.equal((await users(['deactivate', 'alice'])).code, 0);
    const changed = await users(['set-password', 'alice'], 'new password\n');
    assert.equal(
      changed.stdout,
      'changed the password of "alice"; revoked 0 refresh token(s); lifted its failed-login limits\n',
    );
    const listed = await users(['list']);
    assert.match(listed.stdout, /^1\talice\tinactive\tlast login never\n$/);
  });

  it('unlocks an account, and so does a new password: its failed logins from every address are forgotten', async () => {
    const store = await openStore(env.DATABASE_URL ?? '', 0);
    const at = Math.floor(Date.now() / 1000);
    const keys = [
      'account:alice',
      'account-address:alice\t10.0.0.1',
      'account-address:alice\t10.0.0.2',
    ];
    const counted = async () => (await store.loginFailures.open(keys, at, 900)).size;
    const guess = () =>
      store.loginFailures.reserve(
        keys.map((key) => ({ key, limit: 9 })),
        at,
        900,
      );
    try {
      await guess();
      assert.equal(await counted(), 3);
      const unlocked = await users(['unlock', 'alice']);
      assert.equal(unlocked.stdout, 'lifted the failed-login limits on "alice"\n');
      assert.equal(await counted(), 0);
      await guess();
      assert.equal((await users(['set-password', 'alice'], 'another\n')).code, 0);
      assert.equal(await counted(), 0);
      assert.equal((await users(['unlock', 'nobody'])).stderr, 'error: no user named "nobody"\n');
    } finally {
      await store.close();
    }
  });

  it('explains its usage when the arguments are wrong, with exit 2', async () => {
    for (const args of [[], ['add'], ['frobnicate', 'x'], ['add', 'alice', 'password-in-argv']]) {
      const result = await users(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /usage: npm run users -- <command>/);
    }
  });

  it('prompts twice on a terminal without echoing the password', async () => {
    // script(1) gives the command a pseudo-terminal; the answers are typed once the prompts are up.
    const typed = 'sleep 1; echo hidden-pw; sleep 0.5; echo hidden-pw';
    const command = `(${typed}) | script -qec "${process.execPath} ${cli} add carol" /dev/null`;
    const { stdout } = await run('bash', ['-c', command], { env: { ...process.env, ...env } });
    assert.match(stdout, /Password: [^]*Password \(again\): [^]*created user "carol"/);
    assert.ok(!stdout.includes('hidden-pw'), 'the password was echoed');
  });

  it('says which variable is wrong when the configuration is', async () => {
    const result = await runScript(cli, ['list'], { env: { ...env, DATABASE_URL: 'mysql://x' } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: DATABASE_URL: expected sqlite:<path>/);
  });
});
