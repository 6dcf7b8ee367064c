/**
 * The configuration schema: every setting the app reads, with its environment variable, its
 * default and a sentence of why. `.env.example` documents the same list (a test keeps them equal).
 */
import { availableParallelism } from 'node:os';
import {
  boolean,
  byteSize,
  ConfigValueError,
  durationSeconds,
  inProduction,
  integerFrom,
  nodeEnvs,
  oneOf,
  optional,
  port,
  setting,
  text,
  type DatabaseTarget,
  type NodeEnv,
  type ValuesOf,
} from '../../../settings/index.ts';

export { nodeEnvs, type NodeEnv };

export const algorithms = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;
export type JwtAlgorithm = (typeof algorithms)[number];

/** nginx sends it in a header, between quotes in its config: nothing there may end the string. */
const proxySecret = (raw: string): string => {
  if (!/^[\w.~+/=-]{16,256}$/.test(raw)) {
    throw new ConfigValueError('expected 16 to 256 letters, digits or . _ ~ + / = -');
  }
  return raw;
};

export const settings = {
  nodeEnv: setting({
    env: 'NODE_ENV',
    doc: 'development (npm run dev), production (npm start) or test.',
    parse: oneOf(nodeEnvs),
    default: 'development',
  }),
  host: setting({
    env: 'HOST',
    doc: 'Address to listen on. Loopback by default; containers set 0.0.0.0.',
    parse: text,
    default: '127.0.0.1',
  }),
  port: setting({
    env: 'PORT',
    doc: 'Port to listen on: 8000 for the dev server (like runserver), 3000 in production.',
    parse: port,
    default: (nodeEnv) => (inProduction(nodeEnv) ? 3000 : 8000),
  }),
  databaseUrl: setting({
    env: 'DATABASE_URL',
    doc: 'Where users and tokens live: sqlite:<path> for one host (the folder is created on first run), or postgres://user:password@host:port/dbname (sslmode and sslrootcert honoured) for several.',
    // Read once, with DATABASE_PASSWORD_FILE, into Config.database (load-config.ts).
    parse: text,
    default: 'sqlite:var/app.sqlite3',
  }),
  databasePasswordFile: optional({
    env: 'DATABASE_PASSWORD_FILE',
    doc: "File holding the PostgreSQL password (a Docker secret, for one), used instead of the URL's.",
    parse: text,
  }),
  databasePoolSize: setting({
    env: 'DATABASE_POOL_SIZE',
    doc: 'PostgreSQL connections each process may hold. A worker runs one request at a time between awaits, so a few suffice; every process of every host counts against max_connections.',
    parse: integerFrom(1, 100),
    default: 4,
  }),
  databaseTimeoutSeconds: setting({
    env: 'DATABASE_TIMEOUT',
    doc: 'How long a PostgreSQL connection or query may take before the request gets a 503 instead of waiting.',
    parse: durationSeconds,
    default: 5,
  }),
  jwtAlgorithm: setting({
    env: 'JWT_ALGORITHM',
    doc: 'Signing algorithm, pinned: tokens naming another one are refused.',
    parse: oneOf(algorithms),
    default: 'HS256',
  }),
  jwtSigningKey: optional({
    env: 'JWT_SIGNING_KEY',
    doc: 'HMAC secret (32 bytes or more) or PEM private key. Required in production.',
    parse: text,
  }),
  jwtSigningKeyFile: optional({
    env: 'JWT_SIGNING_KEY_FILE',
    doc: 'File holding the signing key, instead of JWT_SIGNING_KEY.',
    parse: text,
  }),
  jwtVerifyingKeys: optional({
    env: 'JWT_VERIFYING_KEYS',
    doc: 'Older keys still accepted while they are rotated out: PEM public keys, or comma-separated HMAC secrets.',
    parse: text,
  }),
  jwtVerifyingKeysFile: optional({
    env: 'JWT_VERIFYING_KEYS_FILE',
    doc: 'File holding older verifying keys: PEM blocks, or one HMAC secret per line.',
    parse: text,
  }),
  jwtAudience: optional({
    env: 'JWT_AUDIENCE',
    doc: 'When set, written to "aud" and required on every token.',
    parse: text,
  }),
  jwtIssuer: optional({
    env: 'JWT_ISSUER',
    doc: 'When set, written to "iss" and required on every token.',
    parse: text,
  }),
  jwtLeewaySeconds: setting({
    env: 'JWT_LEEWAY',
    doc: 'Clock skew tolerated on exp and nbf.',
    parse: durationSeconds,
    default: 0,
  }),
  accessTokenLifetimeSeconds: setting({
    env: 'ACCESS_TOKEN_LIFETIME',
    doc: 'How long an access token lives.',
    parse: durationSeconds,
    default: 5 * 60,
  }),
  refreshTokenLifetimeSeconds: setting({
    env: 'REFRESH_TOKEN_LIFETIME',
    doc: 'How long a refresh token lives.',
    parse: durationSeconds,
    default: 24 * 60 * 60,
  }),
  rotateRefreshTokens: setting({
    env: 'ROTATE_REFRESH_TOKENS',
    doc: 'Each refresh returns a new refresh token. Off gives plain simplejwt behaviour.',
    parse: boolean,
    default: true,
  }),
  blacklistAfterRotation: setting({
    env: 'BLACKLIST_AFTER_ROTATION',
    doc: 'A rotated refresh token is blacklisted, so it works once.',
    parse: boolean,
    default: true,
  }),
  refreshReuseDetection: setting({
    env: 'REFRESH_REUSE_DETECTION',
    doc: 'Presenting an already rotated refresh token revokes its whole family.',
    parse: boolean,
    default: true,
  }),
  refreshTokenCookie: setting({
    env: 'REFRESH_TOKEN_COOKIE',
    doc: 'Browser mode: the refresh token travels in an HttpOnly, SameSite=Strict cookie instead of the body.',
    parse: boolean,
    default: false,
  }),
  updateLastLogin: setting({
    env: 'UPDATE_LAST_LOGIN',
    doc: "Record each login's time on the user.",
    parse: boolean,
    default: true,
  }),
  passwordScryptLogN: setting({
    env: 'PASSWORD_SCRYPT_LOG_N',
    doc: 'scrypt cost as log2(N) for new hashes; 17 is OWASP’s minimum and production refuses less.',
    parse: integerFrom(10, 20),
    default: 17,
  }),
  passwordHashConcurrency: setting({
    env: 'PASSWORD_HASH_CONCURRENCY',
    doc: 'Password hashes run at once per process; more than the CPU count slows every request.',
    parse: integerFrom(1, 256),
    default: availableParallelism(),
    defaultText: 'the CPU count',
  }),
  loginQueueDepth: optional({
    env: 'LOGIN_QUEUE_DEPTH',
    doc: 'Logins that may wait for a password hash per process; past it, 503 at once. Unset: 4 × PASSWORD_HASH_CONCURRENCY.',
    parse: integerFrom(1, 100_000),
  }),
  loginFailuresPerAccountAndAddress: setting({
    env: 'LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS',
    doc: 'Failed logins of one account from one client address per window before they get 429 without hashing; 0: no limit.',
    parse: integerFrom(0, 1_000_000),
    default: 10,
  }),
  loginFailuresPerAddress: setting({
    env: 'LOGIN_FAILURES_PER_ADDRESS',
    doc: 'Failed logins from one client address per window, whichever account, before its logins get 429; 0: no limit.',
    parse: integerFrom(0, 1_000_000),
    default: 50,
  }),
  loginFailuresPerAccount: setting({
    env: 'LOGIN_FAILURES_PER_ACCOUNT',
    doc: 'Failed logins of one account from all addresses per window: a ceiling on spread-out guessing, well above the per-address limit so nobody locks the owner out cheaply; 0: no limit.',
    parse: integerFrom(0, 1_000_000),
    default: 100,
  }),
  loginThrottleWindowSeconds: setting({
    env: 'LOGIN_THROTTLE_WINDOW',
    doc: 'How long failed logins count, from the first; a throttled client waits until it ends.',
    parse: durationSeconds,
    default: 15 * 60,
  }),
  proxySecret: optional({
    env: 'PROXY_SECRET',
    doc: 'When set, X-Forwarded-For and X-Forwarded-Proto count only on requests that carry it in X-Proxy-Secret (the host stack’s nginx sends it); a local process at a trusted address then cannot choose the address its failed logins count against.',
    parse: proxySecret,
  }),
  trustProxy: setting({
    env: 'TRUST_PROXY',
    doc: "Express 'trust proxy': false, true, loopback, or a list of addresses of the proxies in front.",
    parse: text,
    default: 'false',
  }),
  metricsPort: optional({
    env: 'METRICS_PORT',
    doc: 'First port for Prometheus metrics; pm2 worker n takes this plus n. Unset: no metrics server.',
    parse: port,
  }),
  metricsHost: setting({
    env: 'METRICS_HOST',
    doc: 'Address the metrics ports listen on: loopback, or 0.0.0.0 in a container a Prometheus on its network scrapes.',
    parse: text,
    default: '127.0.0.1',
  }),
  nginxStatusUrl: optional({
    env: 'NGINX_STATUS_URL',
    doc: "nginx's stub_status, exported with the metrics when set.",
    parse: text,
  }),
  bodyLimitBytes: setting({
    env: 'BODY_LIMIT',
    doc: 'Largest request body accepted; larger ones get 413.',
    parse: byteSize,
    default: 16 * 1024,
  }),
  requestTimeoutSeconds: setting({
    env: 'REQUEST_TIMEOUT',
    doc: 'How long a client may take to send a whole request before it gets 408 (behind nginx, nginx times out first).',
    parse: durationSeconds,
    default: 30,
  }),
  shutdownDelaySeconds: setting({
    env: 'SHUTDOWN_DELAY',
    doc: 'How long a stopping server keeps serving before it stops taking connections, so that a proxy that finds it by DNS (nginx in the containers and on Swarm, which keeps an answer 2s) has stopped sending it requests first. 0 on one host, where nginx knows the workers by port.',
    parse: durationSeconds,
    default: 0,
  }),
  shutdownTimeoutSeconds: setting({
    env: 'SHUTDOWN_TIMEOUT',
    doc: 'How long a stopping server waits for in-flight requests before it closes them.',
    parse: durationSeconds,
    default: 10,
  }),
  shutdownIdleGraceSeconds: setting({
    env: 'SHUTDOWN_IDLE_GRACE',
    doc: "How long a stopping server leaves idle keep-alive connections to their client; longer than the proxy's upstream keepalive_timeout (nginx here: 4s), so the proxy closes them first.",
    parse: durationSeconds,
    default: 5,
  }),
  userCacheTtlSeconds: setting({
    env: 'USER_CACHE_TTL',
    doc: 'How long each process keeps a user that authentication loaded; a deactivated user keeps access for up to this long. 0: no cache.',
    parse: durationSeconds,
    default: 5,
  }),
  logRequests: setting({
    env: 'LOG_REQUESTS',
    doc: "Which requests get a log line: all, problems (4xx, 5xx and slow ones) or none. nginx's access log has every request with the same request id.",
    parse: oneOf(['all', 'problems', 'none'] as const),
    default: (nodeEnv: NodeEnv) => (nodeEnv === 'development' ? 'all' : 'problems'),
  }),
  slowRequestSeconds: setting({
    env: 'SLOW_REQUEST',
    doc: 'A request that takes this long or longer counts as a problem, and is logged.',
    parse: durationSeconds,
    default: 1,
  }),
  logLevel: setting({
    env: 'LOG_LEVEL',
    doc: 'debug, info, warn, error or silent.',
    parse: oneOf(['debug', 'info', 'warn', 'error', 'silent']),
    default: (nodeEnv: NodeEnv) => (nodeEnv === 'test' ? 'warn' : 'info'),
  }),
  logFormat: setting({
    env: 'LOG_FORMAT',
    doc: 'json (one object a line) or pretty (for people); pretty in development.',
    parse: oneOf(['json', 'pretty']),
    default: (nodeEnv: NodeEnv) => (nodeEnv === 'development' ? 'pretty' : 'json'),
  }),
};

export type Settings = typeof settings;
/**
 * The settings' values, and what the loader reads from several of them at once: the database
 * (DATABASE_URL with DATABASE_PASSWORD_FILE), which the store opens without reading either again.
 */
export type Config = ValuesOf<Settings> & { database: DatabaseTarget };
