import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/errors/app-error.ts';
import { createVerifiedAccessCache } from '../../src/tokens/verified-access-cache.ts';

describe('the cache of verified access tokens', () => {
  it('knows a token it was told of, until its exp plus the leeway, as jsonwebtoken counts', () => {
    const cache = createVerifiedAccessCache(10);
    assert.equal(cache.get('t', 100), undefined);
    cache.remember('t', { exp: 200, token_type: 'access' });
    assert.deepEqual(cache.get('t', 209), { exp: 200, token_type: 'access' });
    assert.throws(
      () => cache.get('t', 210),
      (error: unknown) =>
        error instanceof AppError &&
        error.code === 'token_not_valid' &&
        error.message === 'Token is expired',
    );
    assert.equal(cache.get('t', 210), undefined, 'an expired token is forgotten');
  });

  it('holds a bounded number of tokens, forgetting the oldest first', () => {
    const cache = createVerifiedAccessCache(0);
    for (let i = 0; i <= 5000; i += 1) cache.remember(`t${i}`, { exp: 100 });
    assert.equal(cache.get('t0', 1), undefined);
    assert.ok(cache.get('t5000', 1));
  });
});
