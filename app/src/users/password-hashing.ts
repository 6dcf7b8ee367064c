/**
 * scrypt password hashes, stored with their parameters (`scrypt$ln=17,r=8,p=1$salt$hash`) so the
 * cost can be raised later without invalidating existing passwords. OWASP's minimum for scrypt is
 * N=2^17, r=8, p=1: https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
 *
 * crypto.scrypt runs on libuv's thread pool, so hashing never blocks the event loop.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { djangoHashFormat, verifyDjangoPassword } from './django-password-hashes.ts';

export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

const keyLength = 32;
const saltLength = 16;

export const owaspScryptParams: ScryptParams = { logN: 17, r: 8, p: 1 };

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** params.logN,
    r: params.r,
    p: params.p,
    // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is below OWASP's parameters.
    maxmem: 256 * 2 ** params.logN * params.r,
  };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

export async function hashPassword(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, params);
  return `scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(encoded: string): ParsedHash | undefined {
  const match = /^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(
    encoded,
  );
  if (!match) return undefined;
  const [, logN, r, p, salt, key] = match;
  return {
    params: { logN: Number(logN), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt ?? '', 'base64'),
    key: Buffer.from(key ?? '', 'base64'),
  };
}

/** This API's scrypt hashes, and Django's formats for users imported from a Django deployment. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (djangoHashFormat(encoded)) return verifyDjangoPassword(password, encoded);
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** False for hashes no check here can read: Django's unusable `!…`, md5, crypt, a damaged one. */
export const canVerify = (encoded: string): boolean =>
  djangoHashFormat(encoded) !== undefined || parseHash(encoded) !== undefined;

/** Spends the same time as verifying against a real hash, for logins of unknown users. */
export async function spendVerificationTime(password: string, params: ScryptParams): Promise<void> {
  await derive(password, randomBytes(saltLength), params);
}

/** True when the hash was made with weaker parameters than the current ones, or is Django's. */
export function needsRehash(encoded: string, current: ScryptParams): boolean {
  const parsed = parseHash(encoded);
  return (
    !parsed ||
    parsed.params.logN < current.logN ||
    parsed.params.r < current.r ||
    parsed.params.p < current.p
  );
}
