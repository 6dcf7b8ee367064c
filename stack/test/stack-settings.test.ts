import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logSize } from '../stack-settings.ts';

describe("the stack's log size", () => {
  it('reads sizes as pm2-logrotate writes them, and keeps them as written for it', () => {
    assert.deepEqual(
      ['500', '1K', '10M', '1G'].map((size) => logSize(size).bytes),
      [500, 1024, 10 * 1024 ** 2, 1024 ** 3],
    );
    assert.equal(logSize(' 10M ').text, '10M');
    assert.throws(() => logSize('10MB'), /expected a size such as 500K, 10M or 1G/);
  });
});
