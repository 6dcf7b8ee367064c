import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { djangoHashFormat, verifyDjangoPassword } from '../../src/users/django-password-hashes.ts';

const password = 'correct horse ✓';

/**
 * Made by Django 5.2.19's own hashers (testing/django-reference's virtualenv) for this password,
 * at low costs where Django lets one choose them, so the suite stays fast; the reference test
 * logs in users Django hashed at its default costs.
 */
const madeByDjango = {
  pbkdf2_sha256: 'pbkdf2_sha256$1000$saltsaltsalt1234$RewlfagUxPfKqRvtg3HZtHxueMfzlW0UG9Lft2G3DSU=',
  pbkdf2_sha1: 'pbkdf2_sha1$1000$saltsaltsalt1234$W66ZcXApv77n1SBThG1fPLfxiWA=',
  argon2:
    'argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHRzYWx0MTIzNA$iIAyEsx+V8euCmRUl7txWKZVSV/QWf5bzzftaMB0DKk',
  bcrypt_sha256: 'bcrypt_sha256$$2b$04$T034yiiChBrsFto9XE8hq.3Yn3o5Ag8hhhLwg6uMIgU80lNP0dXFy',
  scrypt:
    'scrypt$16384$saltsaltsalt1234$8$5$srDwI8TVoC622wYUqmTwmfHqYAKgc2zDEZByMbUci8ao3NrIG5vN1CHwiL9L8vx3/EyHJfFgQhDeZ05hBTjz/A==',
};

describe("Django's password hashes", () => {
  for (const [format, encoded] of Object.entries(madeByDjango)) {
    it(`checks Django’s ${format} hash: the password matches, another does not`, async () => {
      assert.equal(djangoHashFormat(encoded), format);
      assert.equal(await verifyDjangoPassword(password, encoded), true);
      assert.equal(await verifyDjangoPassword('correct horse', encoded), false);
    });
  }

  it("leaves this API's own scrypt hashes, unusable passwords and unknown formats alone", async () => {
    assert.equal(djangoHashFormat('scrypt$ln=17,r=8,p=1$c2FsdA==$a2V5'), undefined);
    assert.equal(djangoHashFormat('!unusablepassword'), undefined);
    assert.equal(djangoHashFormat('md5$salt$0123456789abcdef'), undefined);
    assert.equal(await verifyDjangoPassword(password, '!unusablepassword'), false);
  });

  it('answers false, not an error, for a hash that does not parse', async () => {
    for (const broken of [
      'pbkdf2_sha256$many$salt$key',
      'argon2$argon2id$v=16$m=1',
      'scrypt$0$s$8$1$a2V5',
    ]) {
      assert.equal(await verifyDjangoPassword(password, broken), false, broken);
    }
  });
});
