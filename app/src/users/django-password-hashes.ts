/**
 * Django's password hash formats, checked so that users imported from a Django deployment log in
 * with the passwords they had; the user service then re-hashes each to this API's scrypt at its
 * first successful login. Every check is node:crypto's, but bcrypt's, which is bcryptjs's.
 * https://docs.djangoproject.com/en/5.2/topics/auth/passwords/#how-django-stores-passwords
 */
import { argon2, createHash, pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: string,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const argon2Async = promisify(argon2);

/** The formats checked here, by the name Django writes before the first `$`. */
export const djangoHashFormats = [
  'pbkdf2_sha256',
  'pbkdf2_sha1',
  'argon2',
  'bcrypt_sha256',
  'scrypt',
] as const;
export type DjangoHashFormat = (typeof djangoHashFormats)[number];

const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/** Django's name for the format of `encoded`, when it is one of those checked here. */
export function djangoHashFormat(encoded: string): DjangoHashFormat | undefined {
  const name = encoded.slice(0, encoded.indexOf('$'));
  // This API's own scrypt hashes start "scrypt$ln=": Django's scrypt has the cost there.
  if (name === 'scrypt' && encoded.startsWith('scrypt$ln=')) return undefined;
  return djangoHashFormats.find((format) => format === name);
}

/** pbkdf2_sha256$<iterations>$<salt>$<base64 key>, and the same with sha1. */
async function verifyPbkdf2(password: string, encoded: string, digest: 'sha256' | 'sha1') {
  const [, iterations, salt, key] = encoded.split('$');
  if (!iterations || salt === undefined || !key || !/^\d+$/.test(iterations)) return false;
  const expected = Buffer.from(key, 'base64');
  const derived = await pbkdf2Async(password, salt, Number(iterations), expected.length, digest);
  return sameBytes(derived, expected);
}

/** argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<tag>, base64 without padding (argon2-cffi). */
async function verifyArgon2(password: string, encoded: string) {
  const match =
    /^argon2\$(argon2(?:id|i|d))\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([\w+/]+)\$([\w+/]+)$/.exec(
      encoded,
    );
  if (!match) return false;
  const [, variant = '', memory, passes, parallelism, salt = '', tag = ''] = match;
  const expected = Buffer.from(tag, 'base64');
  const derived = await argon2Async(variant as 'argon2id', {
    message: password,
    nonce: Buffer.from(salt, 'base64'),
    memory: Number(memory),
    passes: Number(passes),
    parallelism: Number(parallelism),
    tagLength: expected.length,
  });
  return sameBytes(derived, expected);
}

/** bcrypt_sha256$$2b$12$...: bcrypt of the hex SHA-256 of the password (no 72-byte cut-off). */
function verifyBcryptSha256(password: string, encoded: string) {
  const digest = createHash('sha256').update(password).digest('hex');
  return bcrypt.compare(digest, encoded.slice('bcrypt_sha256$'.length));
}

/** scrypt$<N>$<salt>$<r>$<p>$<base64 key>, a 64-byte key. */
async function verifyScrypt(password: string, encoded: string) {
  const [, n, salt, r, p, key] = encoded.split('$');
  if (![n, r, p].every((value) => value && /^\d+$/.test(value)) || salt === undefined || !key) {
    return false;
  }
  const N = Number(n);
  const expected = Buffer.from(key, 'base64');
  const derived = await scryptAsync(password, salt, expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r),
  });
  return sameBytes(derived, expected);
}

/** False for a wrong password, and for a hash of another format or one that does not parse. */
export async function verifyDjangoPassword(password: string, encoded: string): Promise<boolean> {
  try {
    switch (djangoHashFormat(encoded)) {
      case 'pbkdf2_sha256':
        return await verifyPbkdf2(password, encoded, 'sha256');
      case 'pbkdf2_sha1':
        return await verifyPbkdf2(password, encoded, 'sha1');
      case 'argon2':
        return await verifyArgon2(password, encoded);
      case 'bcrypt_sha256':
        return await verifyBcryptSha256(password, encoded);
      case 'scrypt':
        return await verifyScrypt(password, encoded);
      default:
        return false;
    }
  } catch {
    // Parameters no library accepts (a cost out of range, a salt too short): not this password.
    return false;
  }
}
