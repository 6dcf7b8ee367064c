/**
 * schemathesis against a real server, from the OpenAPI document it serves: a bounded number of
 * generated requests per operation with a fixed seed, so CI repeats the same run (`npm run fuzz`
 * explores further). Any 5xx, undocumented status, wrong content type or body that does not fit
 * its schema fails the test. The login limits are lifted so generated logins reach the app.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runSchemathesis } from '../../../testing/schemathesis.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('fuzzing the API from its OpenAPI document', { timeout: 5 * 60_000 }, () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer({
      LOGIN_FAILURES_PER_ACCOUNT: '0',
      LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: '0',
      LOGIN_FAILURES_PER_ADDRESS: '0',
    });
    await api.createUser('alice', 'correct horse');
  });
  after(() => api.stop());

  it('finds no server error and no answer the document does not describe', async () => {
    const { access } = await api.login('alice', 'correct horse');
    const result = await runSchemathesis({
      url: api.url,
      maxExamples: 15,
      seed: 1,
      headers: { Authorization: `Bearer ${access}` },
    });
    assert.deepEqual([...result.failures, ...result.errors], [], result.output);
    assert.equal(result.exitCode, 0, result.output);
    assert.ok(result.operations >= 10, `${result.operations} operations tested`);
    assert.ok(result.testCases >= 100, `${result.testCases} test cases`);
  });
});
