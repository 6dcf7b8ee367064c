import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScript } from '../../../testing/run-script.ts';
import { tempDir } from '../../../testing/temp-dir.ts';

describe('npm run demo -- --once', () => {
  it('runs the token round trip against the dev server and leaves no server behind', async () => {
    const env = {
      HOME: process.env.HOME,
      PORT: '0',
      DATABASE_URL: `sqlite:${tempDir()}/demo.sqlite3`,
    };
    const result = await runScript('app/dev/demo.ts', ['--once'], { env });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /✔ log in: a refresh and an access token/);
    assert.match(result.stdout, /✔ the old refresh token is now spent/);
    assert.match(result.stdout, /round trip complete/);
    const url = /at (http:\/\/\S+)/.exec(result.stdout)?.[1] ?? '';
    await assert.rejects(fetch(`${url}/healthz`), /fetch failed/);
  });
});
