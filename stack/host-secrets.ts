/**
 * The secrets the host stack makes for this machine when none is configured, each kept under
 * var/secrets (git-ignored, readable by its owner only) and used on every start:
 * - the signing key: production refuses to start without one, and tokens survive restarts;
 * - the proxy secret: nginx sends it to the workers with every request, and only then do they
 *   believe its X-Forwarded-For (app/src/http/middleware/forwarded-only-from-proxy.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, readSettings } from '../settings/index.ts';
import { appSettings as settings } from '../app/src/index.ts';
import { stackPaths } from './stack-paths.ts';

/** Makes the file with a random secret unless it exists; true when it was made now. */
function makeOnce(file: string): boolean {
  if (existsSync(file)) return false;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  return true;
}

/** The environment with a signing key; `made` tells whether one was created just now. */
export function withSigningKey(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; made: boolean } {
  if (env.JWT_SIGNING_KEY || env.JWT_SIGNING_KEY_FILE) return { env, made: false };
  const file = stackPaths.signingKeyFile;
  const made = makeOnce(file);
  return { env: { ...env, JWT_SIGNING_KEY_FILE: file }, made };
}

/** PROXY_SECRET as configured (checked by the app's own rule), or this host's own. */
export function proxySecret(env: NodeJS.ProcessEnv): string {
  const problems: string[] = [];
  const configured = readSettings(
    { proxySecret: settings.proxySecret },
    env,
    'production',
    problems,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  if (configured.proxySecret !== undefined) return configured.proxySecret;
  makeOnce(stackPaths.proxySecretFile);
  return readFileSync(stackPaths.proxySecretFile, 'utf8');
}
