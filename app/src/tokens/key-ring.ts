/**
 * The keys, built once at start-up as KeyObjects: jsonwebtoken 9 re-parses a string secret on every
 * call, which makes each verify about 30 times slower than with a prebuilt KeyObject.
 *
 * One key signs; every key in `verifying` is accepted, chosen by the token's `kid`. Keeping the
 * previous key in JWT_VERIFYING_KEYS while a new one signs rotates keys without logging anyone out.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, type NodeEnv } from '../../../settings/index.ts';
import type { Config, JwtAlgorithm } from '../config/settings.ts';

export interface KeyRing {
  algorithm: JwtAlgorithm;
  signing: { kid: string; key: KeyObject };
  /** kid → the key that checks signatures (the secret for HMAC, the public key otherwise). */
  verifying: Map<string, KeyObject>;
  /** The public verifying keys as a JWK Set; empty for HMAC, whose keys are secret. */
  jwks: { keys: JsonWebKey[] };
  /** True when no key was configured and the development-only key is in use. */
  usesDevelopmentKey: boolean;
}

// Used only outside production when no key is set, so `npm run dev` works out of the box.
const developmentKey = 'development-only-key-never-use-in-production-0123456789';

const isHmac = (algorithm: JwtAlgorithm) => algorithm.startsWith('HS');
const bits = (algorithm: JwtAlgorithm) => Number(algorithm.slice(2));
/** The curve each ES algorithm signs on (RFC 7518 §3.4). */
export const ecCurves: Record<string, string> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};

const fail = (variable: string, problem: string): never => {
  throw new ConfigError([`${variable}: ${problem}`]);
};

/** PEMs in environment variables often arrive with their newlines written as `\n`. */
const unescapeNewlines = (value: string) => value.replace(/\\n/g, '\n');
const pemBlocks = (text: string) =>
  unescapeNewlines(text).match(/-----BEGIN [^-]+-----[\s\S]+?-----END [^-]+-----/g) ?? [];

function readKeyText(value: string | undefined, file: string | undefined, fileVariable: string) {
  if (file === undefined) return value;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return fail(fileVariable, `cannot read ${file}: ${(error as Error).message}`);
  }
}

/** RFC 7638 thumbprint for public keys; for secrets, an HMAC of a constant, which reveals nothing. */
function keyId(key: KeyObject): string {
  if (key.type === 'secret') {
    return createHmac('sha256', key).update('kid').digest('base64url').slice(0, 16);
  }
  const jwk = key.export({ format: 'jwk' });
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function checkAsymmetricKey(key: KeyObject, algorithm: JwtAlgorithm, variable: string): void {
  const details = key.asymmetricKeyDetails;
  if (algorithm.startsWith('ES')) {
    if (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== ecCurves[algorithm]) {
      fail(variable, `${algorithm} needs an EC key on curve ${ecCurves[algorithm] ?? '?'}`);
    }
    return;
  }
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') {
    fail(variable, `${algorithm} needs an RSA key, got ${key.asymmetricKeyType ?? 'another kind'}`);
  }
  // jsonwebtoken refuses RSA keys under 2048 bits; say so at start-up, not on the first request.
  if ((details?.modulusLength ?? 0) < 2048)
    fail(variable, `${algorithm} needs an RSA key of 2048 bits or more`);
}

/** Parses a PEM into a key of the kind the algorithm needs, or names the variable that holds it. */
function asymmetricKey(
  pem: string,
  kind: 'private' | 'public',
  algorithm: JwtAlgorithm,
  variable: string,
): KeyObject {
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (error) {
    return fail(variable, `not a usable ${kind} key: ${(error as Error).message}`);
  }
  checkAsymmetricKey(key, algorithm, variable);
  return key;
}

function hmacKey(
  secret: string,
  algorithm: JwtAlgorithm,
  nodeEnv: NodeEnv,
  variable: string,
): KeyObject {
  const minimum = bits(algorithm) / 8;
  // RFC 7518 §3.2: an HMAC key must be at least as long as the hash output.
  if (Buffer.byteLength(secret) < minimum && nodeEnv === 'production') {
    fail(
      variable,
      `${algorithm} needs a secret of at least ${minimum} bytes in production, got ${Buffer.byteLength(secret)}`,
    );
  }
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** The signing key from its text; `variable` is what the person who set it calls it. */
function signingKeyFrom(
  text: string,
  algorithm: JwtAlgorithm,
  nodeEnv: NodeEnv,
  variable: string,
): KeyObject {
  if (isHmac(algorithm)) return hmacKey(text.trim(), algorithm, nodeEnv, variable);
  const pem = pemBlocks(text)[0] ?? fail(variable, `${algorithm} needs a PEM private key`);
  return asymmetricKey(pem, 'private', algorithm, variable);
}

/**
 * Why the app in production would refuse `text` as its signing key, in its own words under the
 * caller's name for the key: what the Pulumi program checks before it declares anything.
 */
export function signingKeyProblems(
  text: string,
  algorithm: JwtAlgorithm,
  variable: string,
): string[] {
  try {
    signingKeyFrom(text, algorithm, 'production', variable);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

function signingKey(config: Config): { key: KeyObject; development: boolean } {
  const text = readKeyText(config.jwtSigningKey, config.jwtSigningKeyFile, 'JWT_SIGNING_KEY_FILE');
  const variable =
    config.jwtSigningKeyFile === undefined ? 'JWT_SIGNING_KEY' : 'JWT_SIGNING_KEY_FILE';
  if (text === undefined || text.trim() === '') {
    if (config.nodeEnv === 'production') {
      return fail('JWT_SIGNING_KEY', 'required in production (or JWT_SIGNING_KEY_FILE)');
    }
    if (!isHmac(config.jwtAlgorithm)) {
      return fail('JWT_SIGNING_KEY', `${config.jwtAlgorithm} needs a PEM private key`);
    }
    return { key: createSecretKey(Buffer.from(developmentKey)), development: true };
  }
  return {
    key: signingKeyFrom(text, config.jwtAlgorithm, config.nodeEnv, variable),
    development: false,
  };
}

/**
 * The keys accepted besides the signing key: PEM public keys, or HMAC secrets separated by
 * `separator` (a comma in JWT_VERIFYING_KEYS, a line in its file).
 */
function verifyingKeysFrom(
  text: string,
  algorithm: JwtAlgorithm,
  nodeEnv: NodeEnv,
  separator: string,
  variable: string,
): KeyObject[] {
  if (isHmac(algorithm)) {
    return text
      .split(separator)
      .map((secret) => secret.trim())
      .filter(Boolean)
      .map((secret) => hmacKey(secret, algorithm, nodeEnv, variable));
  }
  const blocks = pemBlocks(text);
  if (blocks.length === 0) fail(variable, 'expected one or more PEM public keys');
  return blocks.map((pem) => asymmetricKey(pem, 'public', algorithm, variable));
}

/**
 * Why the app in production would refuse `text` as the content of JWT_VERIFYING_KEYS_FILE, in
 * its own words under the caller's name for it: the Pulumi program hands the keys over as that file.
 */
export function verifyingKeysProblems(
  text: string,
  algorithm: JwtAlgorithm,
  variable: string,
): string[] {
  try {
    verifyingKeysFrom(text, algorithm, 'production', '\n', variable);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

function extraVerifyingKeys(config: Config): KeyObject[] {
  const text = readKeyText(
    config.jwtVerifyingKeys,
    config.jwtVerifyingKeysFile,
    'JWT_VERIFYING_KEYS_FILE',
  );
  if (text === undefined) return [];
  const inFile = config.jwtVerifyingKeysFile !== undefined;
  return verifyingKeysFrom(
    text,
    config.jwtAlgorithm,
    config.nodeEnv,
    inFile ? '\n' : ',',
    inFile ? 'JWT_VERIFYING_KEYS_FILE' : 'JWT_VERIFYING_KEYS',
  );
}

export function buildKeyRing(config: Config): KeyRing {
  const { key, development } = signingKey(config);
  const ownVerifier = key.type === 'private' ? createPublicKey(key) : key;
  const verifiers = [ownVerifier, ...extraVerifyingKeys(config)];
  const verifying = new Map(verifiers.map((k) => [keyId(k), k]));
  const jwks = isHmac(config.jwtAlgorithm)
    ? []
    : [...verifying].map(([kid, k]) => ({
        ...k.export({ format: 'jwk' }),
        kid,
        alg: config.jwtAlgorithm,
        use: 'sig',
      }));
  return {
    algorithm: config.jwtAlgorithm,
    signing: { kid: keyId(ownVerifier), key },
    verifying,
    jwks: { keys: jwks },
    usesDevelopmentKey: development,
  };
}
