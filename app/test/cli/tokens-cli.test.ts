import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.ts';
import { runScript } from '../../../testing/run-script.ts';
import { testDatabaseUrl } from '../support/test-database.ts';
import { testEnv } from '../support/test-server.ts';
import { tempDir } from '../../../testing/temp-dir.ts';

describe('npm run tokens -- flush-expired', () => {
  it('deletes the tokens that have expired and keeps the live ones', async () => {
    const dir = tempDir();
    const env = testEnv(dir, { DATABASE_URL: await testDatabaseUrl(dir) });
    const store = await openStore(String(env.DATABASE_URL), 0);
    const user = await store.users.create('alice', 'hash', 0);
    const now = Math.floor(Date.now() / 1000);
    const token = (jti: string, expiresAt: number) => ({
      jti,
      userId: user.id,
      familyId: jti,
      parentJti: null,
      createdAt: 0,
      expiresAt,
    });
    await store.tokens.recordOutstanding(token('expired-1', now - 10));
    await store.tokens.blacklist(token('expired-2', now - 10), 'logout', now - 20);
    await store.tokens.recordOutstanding(token('live', now + 3600));

    const result = await runScript('app/src/cli/tokens-cli.ts', ['flush-expired'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      'deleted 2 expired token(s)\ndeleted 0 closed failed-login window(s)\n',
    );
    assert.ok(await store.tokens.findOutstanding('live'));
    await store.close();
  });

  it('explains its usage for anything else', async () => {
    const result = await runScript('app/src/cli/tokens-cli.ts', ['flush'], {
      env: testEnv(tempDir()),
    });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^error: unknown command "flush"\nusage: npm run tokens -- flush-expired/,
    );
  });
});
