/**
 * A failed login takes the default hasher's time whatever the account holds. Timed with a wide
 * margin (half the reference): without the equalising, the cheap cases take a hundredth of it.
 */
import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashingSlots } from '../../src/users/hashing-slots.ts';
import { createPasswordCheck } from '../../src/users/password-check.ts';
import { hashPassword } from '../../src/users/password-hashing.ts';
import { median } from '../../../testing/median.ts';

const params = { logN: 14, r: 8, p: 1 };
const pbkdf2Hash = (password: string) =>
  `pbkdf2_sha256$1000$salt$${pbkdf2Sync(password, 'salt', 1000, 32, 'sha256').toString('base64')}`;

async function medianMs(check: () => Promise<boolean>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    assert.equal(await check(), false);
    times.push(performance.now() - started);
  }
  return median(times);
}

describe('the password check of a login', () => {
  it('takes at least about the default hasher’s time for every kind of account that fails', async () => {
    const check = createPasswordCheck(params, hashingSlots(1));
    const current = await hashPassword('right', params);
    const reference = await medianMs(() => check('wrong', current));
    const kinds = {
      'no such user': undefined,
      'an unusable password': '!qZ8xJ2unusable',
      'an md5 hash': 'md5$salt$2c5b1d9f1d9d2e04e1d0a4d3f3c0d1aa',
      'a cheap pbkdf2 hash': pbkdf2Hash('right'),
      'a damaged hash': 'scrypt$ln=14,r=8,p=1$???$',
    };
    for (const [kind, stored] of Object.entries(kinds)) {
      const ms = await medianMs(() => check('wrong', stored));
      assert.ok(
        ms >= reference / 2,
        `${kind}: ${ms.toFixed(1)} ms, the default ${reference.toFixed(1)} ms`,
      );
    }
  });

  it('still tells a right password from a wrong one in every format it reads', async () => {
    const check = createPasswordCheck(params, hashingSlots(1));
    assert.equal(await check('right', pbkdf2Hash('right')), true);
    assert.equal(await check('right', await hashPassword('right', params)), true);
    assert.equal(await check('right', '!unusable'), false);
  });
});
