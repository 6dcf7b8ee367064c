/**
 * What the app's image fixes inside its containers, and the settings every target gives the app:
 * one map, which a container takes as `K=V` lines and a Swarm service as it is.
 */
import type * as pulumi from '@pulumi/pulumi';
import { containerWorkerMemoryMb, type StackConfig } from './stack-config.ts';

/**
 * The app's keys, secrets both: the one that signs (jwtSigningKey), and older ones it still
 * accepts while they are rotated out (jwtVerifyingKeys, the content of JWT_VERIFYING_KEYS_FILE).
 */
export interface SigningKeys {
  signing: pulumi.Output<string>;
  verifying?: pulumi.Output<string>;
}

/** The port the app listens on inside its containers (app/Dockerfile) and nginx's upstream port. */
export const appPort = 3000;

/**
 * How long a container removed or replaced by `pulumi up`/`destroy` may take to stop, and how long
 * Docker waits on its own stop: above pm2's drain (ecosystem.config.cjs kill_timeout, 16 s) and
 * nginx's graceful quit. Without it the provider stops with a timeout of 0, a SIGKILL right after
 * the SIGTERM, and in-flight requests are cut.
 */
export const stopGraceSeconds = 25;

/** The app's settings every target gives it; none of them secret. */
export function appEnvironment(config: StackConfig): Record<string, string> {
  return {
    PM2_INSTANCES: config.workersPerContainer,
    // One hash at a time per worker, and pm2's limit above what it holds (stack-config.ts).
    PASSWORD_HASH_CONCURRENCY: '1',
    PM2_MAX_MEMORY: `${containerWorkerMemoryMb}M`,
    APP_PORT: String(appPort),
    // nginx reaches the app from the Docker network's private addresses.
    TRUST_PROXY: 'uniquelocal',
    // nginx finds the app by DNS and keeps an answer 2 s: a stopping container or task serves
    // 3 s more before it closes, so that nginx has stopped choosing it. Its drain is shortened
    // to match: 3 + 7 s and the 5 s bound stay under pm2's kill_timeout (16 s).
    SHUTDOWN_DELAY: '3s',
    SHUTDOWN_TIMEOUT: '7s',
    JWT_ALGORITHM: config.jwtAlgorithm,
    ...(config.accessTokenLifetime === undefined
      ? {}
      : { ACCESS_TOKEN_LIFETIME: String(config.accessTokenLifetime) }),
    ...(config.refreshTokenLifetime === undefined
      ? {}
      : { REFRESH_TOKEN_LIFETIME: String(config.refreshTokenLifetime) }),
  };
}
