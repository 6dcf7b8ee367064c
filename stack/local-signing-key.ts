/**
 * Production refuses to start without a signing key. When none is configured, the host stack makes
 * one for this machine, keeps it under var/secrets (git-ignored, readable by its owner only) and
 * uses it on every start, so tokens survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stackPaths } from './stack-paths.ts';

/** The environment with a signing key; `made` tells whether one was created just now. */
export function withSigningKey(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; made: boolean } {
  if (env.JWT_SIGNING_KEY || env.JWT_SIGNING_KEY_FILE) return { env, made: false };
  const file = stackPaths.signingKeyFile;
  const made = !existsSync(file);
  if (made) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return { env: { ...env, JWT_SIGNING_KEY_FILE: file }, made };
}
