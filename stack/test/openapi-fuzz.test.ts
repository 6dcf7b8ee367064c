/**
 * schemathesis through nginx, against the host stack: what nginx answers itself (its 400s, 413s,
 * 429s) must fit the API's OpenAPI document as much as what the workers answer. A fixed seed and
 * a bounded number of requests per operation; the login limits are lifted so logins get through.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runSchemathesis } from '../../testing/schemathesis.ts';
import { send } from '../../testing/http-client.ts';
import { prepareTestStack, type TestStack } from '../../testing/test-stack.ts';

describe('fuzzing the host stack through nginx', { timeout: 5 * 60_000 }, () => {
  let stack: TestStack;

  before(async () => {
    stack = await prepareTestStack({
      NGINX_LOGIN_RATE: '1000r/s',
      NGINX_LOGIN_BURST: '1000',
      LOGIN_FAILURES_PER_ACCOUNT: '0',
      LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: '0',
      LOGIN_FAILURES_PER_ADDRESS: '0',
    });
    const up = await stack.stack('up');
    assert.equal(up.code, 0, up.stdout + up.stderr);
  });
  after(async () => {
    await stack.stack('down');
  });

  it('finds no server error and no answer the document does not describe', async () => {
    const login = await send('POST', `${stack.url}/api/token/`, {
      json: { username: 'alice', password: 'pw' },
    });
    assert.equal(login.status, 200, login.text);
    const result = await runSchemathesis({
      url: stack.url,
      maxExamples: 10,
      seed: 1,
      headers: { Authorization: `Bearer ${String(login.json.access)}` },
    });
    assert.deepEqual([...result.failures, ...result.errors], [], result.output);
    assert.equal(result.exitCode, 0, result.output);
    assert.ok(result.operations >= 10, `${result.operations} operations tested`);
  });
});
