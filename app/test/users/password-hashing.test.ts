import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hashPassword,
  needsRehash,
  owaspScryptParams,
  verifyPassword,
} from '../../src/users/password-hashing.ts';

describe('password hashing', () => {
  it("stores OWASP's scrypt parameters with the hash by default", async () => {
    const hash = await hashPassword('correct horse', owaspScryptParams);
    assert.match(hash, /^scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    assert.equal(await verifyPassword('correct horse', hash), true);
  });

  it('refuses a wrong password and a malformed hash', async () => {
    const hash = await hashPassword('right', { logN: 10, r: 8, p: 1 });
    assert.equal(await verifyPassword('wrong', hash), false);
    assert.equal(await verifyPassword('right', 'md5$abc'), false);
  });

  it('salts every hash', async () => {
    const params = { logN: 10, r: 8, p: 1 };
    assert.notEqual(await hashPassword('same', params), await hashPassword('same', params));
  });

  it('asks for a rehash when the parameters were raised', async () => {
    const weak = await hashPassword('pw', { logN: 10, r: 8, p: 1 });
    assert.equal(needsRehash(weak, { logN: 10, r: 8, p: 1 }), false);
    assert.equal(needsRehash(weak, owaspScryptParams), true);
  });
});
