/**
 * The Pulumi stack's settings (`pulumi config set <key> <value>`), read with the same parsers as
 * the app's and the host stack's, so a bad value reads the same everywhere: one line per key.
 * The signing key is not here: index.ts reads it as a secret.
 */
import {
  ConfigError,
  ConfigValueError,
  databaseTarget,
  durationSeconds,
  integerFrom,
  oneOf,
  text,
  optional,
  readSettings,
  setting,
  type ValuesOf,
  withoutPassword,
} from '../../settings/index.ts';
import {
  algorithms,
  signingKeyProblems as appSigningKeyProblems,
  verifyingKeysProblems as appVerifyingKeysProblems,
  workerMemoryMb,
  owaspScryptParams,
  type JwtAlgorithm,
} from '../../app/src/index.ts';
import { nginxSchema, requestRate } from '../../nginx/src/nginx-settings.ts';
import { instances } from '../../stack/stack-settings.ts';

const dockerHost = (raw: string): string => {
  if (!/^(unix|tcp|ssh|npipe):\/\/\S+$/.test(raw.trim())) {
    throw new ConfigValueError(
      `expected a Docker host such as ssh://user@host or tcp://host:2376, got "${raw}"`,
    );
  }
  return raw.trim();
};

const imageReference = (raw: string): string => {
  if (!/^[a-z0-9][a-z0-9._\-/:@]*$/.test(raw.trim())) {
    throw new ConfigValueError(
      `expected an image reference such as node:24-bookworm-slim, got "${raw}"`,
    );
  }
  return raw.trim();
};

/**
 * A PostgreSQL server of the user's own, read by the app's own reading of DATABASE_URL, and
 * without its password: that comes as the databasePassword secret, never in plain config.
 */
const userDatabaseUrl = (raw: string): string => {
  const url = raw.trim();
  const expected = `expected postgres://user@host:5432/dbname, without a password, got "${withoutPassword(url)}"`;
  try {
    const parsed = new URL(url);
    // The CA file is the task's (a secret or a mount), not on the machine that runs pulumi.
    parsed.searchParams.delete('sslrootcert');
    const target = databaseTarget(parsed.href);
    if (target.kind === 'postgres' && parsed.username && !parsed.password) return url;
  } catch {
    // Not a URL the app reads: the same answer as any other refusal.
  }
  throw new ConfigValueError(expected);
};

/** A registry's address as Docker names it in an image reference: host[:port], no scheme. */
const registryAddress = (raw: string): string => {
  const value = raw.trim();
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i.test(value)) {
    throw new ConfigValueError(
      `expected a registry address such as registry.example.com or 10.0.0.5:5000, without https://, got "${raw}"`,
    );
  }
  return value;
};

/** An http(s) URL that Alertmanager posts alerts to. */
const webhookUrl = (raw: string): string => {
  const value = raw.trim();
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // Not a URL: the same answer as any other refusal.
  }
  throw new ConfigValueError(
    `expected an http:// or https:// URL such as https://hooks.example.com/alerts, got "${raw}"`,
  );
};

/** An IPv4 range for the overlay network, such as 10.77.0.0/16: room for a gateway and tasks. */
const ipv4Range = (raw: string): string => {
  const value = raw.trim();
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  const octetsFit = match?.slice(1, 5).every((octet) => Number(octet) <= 255) ?? false;
  const bits = Number(match?.[5]);
  if (!match || !octetsFit || bits < 8 || bits > 28) {
    throw new ConfigValueError(
      `expected an IPv4 range from /8 to /28 such as 10.77.0.0/16, got "${raw}"`,
    );
  }
  return value;
};

export const targets = ['containers', 'swarm'] as const;
export const plainHttpModes = ['redirect', 'refuse', 'serve'] as const;

/** `env` is the config key: the schema reader of the app reads these from Pulumi's config. */
export const stackConfigSchema = {
  target: setting({
    env: 'target',
    doc: 'containers: plain containers on one engine, the app on SQLite (any engine, nothing to set up); swarm: Docker Swarm services with rolling updates and a shared PostgreSQL, for one host or several (needs docker swarm init).',
    parse: oneOf(targets),
    default: 'containers',
  }),
  replicas: setting({
    env: 'replicas',
    doc: 'App containers (Swarm: app tasks) behind nginx.',
    parse: integerFrom(1, 32),
    default: 2,
  }),
  workersPerContainer: setting({
    env: 'workersPerContainer',
    doc: 'pm2 workers in each app container; max means one per CPU the container sees.',
    parse: instances,
    default: '2',
  }),
  publicHost: setting({
    env: 'publicHost',
    doc: "Host address nginx's port is published on; 0.0.0.0 opens it to other machines.",
    parse: text,
    default: '127.0.0.1',
  }),
  publicPort: setting({
    env: 'publicPort',
    doc: 'Host port nginx is published on.',
    parse: integerFrom(1, 65535),
    default: 8080,
  }),
  tlsPort: setting({
    env: 'tlsPort',
    doc: 'With the tlsCertificate and tlsKey secrets: the host port nginx serves HTTPS on (443 for the public).',
    parse: integerFrom(1, 65535),
    default: 8443,
  }),
  plainHttp: setting({
    env: 'plainHttp',
    doc: 'With HTTPS, what publicPort does: redirect (308 to https://, same path), refuse (not published at all), or serve (the API over plain HTTP too, for a private network).',
    parse: oneOf(plainHttpModes),
    default: 'redirect',
  }),
  appBaseImage: setting({
    env: 'appBaseImage',
    doc: 'Base image with Node 24 and npm, for the app and for rendering the nginx config.',
    parse: imageReference,
    default: 'node:24-bookworm-slim',
  }),
  nginxBaseImage: setting({
    env: 'nginxBaseImage',
    doc: 'Base image with nginx.',
    parse: imageReference,
    default: 'nginx:stable-bookworm',
  }),
  appMemoryMb: setting({
    env: 'appMemoryMb',
    doc: 'Memory limit of each app container, in MiB: at least 64 for pm2 plus 288 per worker (one password hash at a time each).',
    parse: integerFrom(64, 65_536),
    default: 640,
  }),
  jwtAlgorithm: setting({
    env: 'jwtAlgorithm',
    doc: 'Signing algorithm (JWT_ALGORITHM).',
    parse: oneOf(algorithms),
    default: 'HS256',
  }),
  accessTokenLifetime: optional({
    env: 'accessTokenLifetime',
    doc: "Access token lifetime, such as 5m (ACCESS_TOKEN_LIFETIME); the app's default when unset.",
    parse: durationSeconds,
  }),
  refreshTokenLifetime: optional({
    env: 'refreshTokenLifetime',
    doc: "Refresh token lifetime, such as 1d (REFRESH_TOKEN_LIFETIME); the app's default when unset.",
    parse: durationSeconds,
  }),
  loginRate: setting({
    env: 'loginRate',
    doc: 'Logins nginx allows per client address (NGINX_LOGIN_RATE).',
    parse: requestRate,
    default: nginxSchema.loginRate.default,
  }),
  loginBurst: setting({
    env: 'loginBurst',
    doc: 'Extra logins a client may send at once before 429 (NGINX_LOGIN_BURST).',
    parse: integerFrom(0, 100_000),
    default: nginxSchema.loginBurst.default,
  }),
  refreshRate: setting({
    env: 'refreshRate',
    doc: 'Refreshes nginx allows per client address (NGINX_REFRESH_RATE).',
    parse: requestRate,
    default: nginxSchema.refreshRate.default,
  }),
  refreshBurst: setting({
    env: 'refreshBurst',
    doc: 'Extra refreshes a client may send at once before 429 (NGINX_REFRESH_BURST).',
    parse: integerFrom(0, 100_000),
    default: nginxSchema.refreshBurst.default,
  }),
  postgresBaseImage: setting({
    env: 'postgresBaseImage',
    doc: "Swarm: the PostgreSQL image (the official image's POSTGRES_USER, POSTGRES_DB and POSTGRES_PASSWORD_FILE).",
    parse: imageReference,
    default: 'postgres:15-bookworm',
  }),
  postgresPlacement: setting({
    env: 'postgresPlacement',
    doc: 'Swarm: the placement constraint of the PostgreSQL service, which keeps it on the node that holds its volume.',
    parse: text,
    default: 'node.role==manager',
  }),
  backupInterval: setting({
    env: 'backupInterval',
    doc: "Swarm, with the stack's own PostgreSQL: how often a backup of the database is taken (pg_dump), such as 1h; what was written since the last one is lost with the database's disk.",
    parse: durationSeconds,
    default: 3600,
  }),
  backupsKept: setting({
    env: 'backupsKept',
    doc: 'Swarm: how many backups are kept, the newest; older ones are removed as new ones come.',
    parse: integerFrom(1, 100_000),
    default: 48,
  }),
  backupPlacement: optional({
    env: 'backupPlacement',
    doc: "Swarm: the placement constraint of the backup service, whose volume holds the backups: another node than the database's, such as node.labels.backups==true, so that one disk does not hold both; unset: postgresPlacement's node.",
    parse: text,
  }),
  overlaySubnet: setting({
    env: 'overlaySubnet',
    doc: "Swarm: the overlay network's address range; nginx shows its status counters to it alone. Pick one no other network of the nodes uses.",
    parse: ipv4Range,
    default: '10.77.0.0/16',
  }),
  prometheusBaseImage: setting({
    env: 'prometheusBaseImage',
    doc: "Swarm: the Debian bookworm image the Prometheus image is built on (it installs Debian's prometheus package).",
    parse: imageReference,
    default: 'debian:bookworm-slim',
  }),
  scrapeInterval: setting({
    env: 'scrapeInterval',
    doc: "Swarm: how often Prometheus looks up the app's tasks and scrapes each, such as 15s.",
    parse: durationSeconds,
    default: 15,
  }),
  taskDownAfter: setting({
    env: 'taskDownAfter',
    doc: 'Swarm: how long a task may go unscraped, or the service short of tasks, before the alert fires.',
    parse: durationSeconds,
    default: 60,
  }),
  p95BudgetMs: setting({
    env: 'p95BudgetMs',
    doc: "Swarm: the p95 latency, in ms, above which Prometheus's LatencyP95OverBudget alert fires.",
    parse: integerFrom(1, 600_000),
    default: 500,
  }),
  nginxReplicas: setting({
    env: 'nginxReplicas',
    doc: "Swarm: nginx tasks, at most one a node, each answering on its node's publicPort: as many as the nodes that should take traffic.",
    parse: integerFrom(1, 32),
    default: 1,
  }),
  nginxPlacement: optional({
    env: 'nginxPlacement',
    doc: 'Swarm: the nodes that take traffic, as a placement constraint such as node.labels.ingress==true (docker node update --label-add ingress=true <node>); unset: any node.',
    parse: text,
  }),
  registry: optional({
    env: 'registry',
    doc: 'Swarm: a registry every node pulls from, such as registry.example.com or 10.0.0.5:5000: the images are built where pulumi up runs, pushed there, and run by digest. Needed past one node.',
    parse: registryAddress,
  }),
  registryUser: optional({
    env: 'registryUser',
    doc: 'Swarm: the user the registry is pushed to and pulled from as; its password is the registryPassword secret.',
    parse: text,
  }),
  alertWebhookUrl: optional({
    env: 'alertWebhookUrl',
    doc: "Swarm: where an Alertmanager service posts Prometheus's alerts, firing and resolved (a webhook receiver of yours); unset: no Alertmanager, the alerts show in Prometheus alone.",
    parse: webhookUrl,
  }),
  databaseUrl: optional({
    env: 'databaseUrl',
    doc: 'Swarm: a PostgreSQL server of your own (a managed database), postgres://user@host:5432/dbname without the password (that is the databasePassword secret); unset: a PostgreSQL service in the stack.',
    parse: userDatabaseUrl,
  }),
  dockerHost: optional({
    env: 'dockerHost',
    doc: 'A remote Docker engine (ssh:// or tcp://); the local one when unset.',
    parse: dockerHost,
  }),
};

export type StackConfig = ValuesOf<typeof stackConfigSchema>;

/** Reads every key through `get`; all bad values are reported at once. */
export function readStackConfig(get: (key: string) => string | undefined): StackConfig {
  const raw = Object.fromEntries(
    Object.values(stackConfigSchema).map(({ env }) => [env, get(env)]),
  );
  const problems: string[] = [];
  const values = readSettings(stackConfigSchema, raw, 'production', problems);
  if (problems.length === 0) problems.push(...memoryProblems(values));
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}

/** What pm2-runtime itself holds in an app container, besides its workers. */
const pm2RuntimeMb = 64;

/** Each worker hashes one password at a time in the containers, and pm2 keeps it under this. */
export const containerWorkerMemoryMb = workerMemoryMb(1, owaspScryptParams);

/** What an app container (or Swarm task) of `workers` workers holds at most: pm2 and their hashes. */
export const containerMemoryNeededMb = (workers: number) =>
  pm2RuntimeMb + workers * containerWorkerMemoryMb;

/** A container too small for its workers' hashes is OOM-killed in a login flood: refuse it. */
function memoryProblems(config: StackConfig): string[] {
  if (config.workersPerContainer === 'max') return [];
  const workers = Number(config.workersPerContainer);
  const needed = containerMemoryNeededMb(workers);
  return config.appMemoryMb >= needed
    ? []
    : [
        `appMemoryMb: ${config.appMemoryMb} MiB cannot hold ${workers} worker(s) of ${containerWorkerMemoryMb} MiB and pm2 (${needed} MiB): raise it, or lower workersPerContainer`,
      ];
}

/**
 * Why the app would refuse this signing key at start-up, in its own words, or nothing: checked
 * here so that `pulumi up` stops before any container starts and fails its health check.
 */
export const signingKeyProblems = (key: string, algorithm: JwtAlgorithm): string[] =>
  appSigningKeyProblems(key, algorithm, 'jwtSigningKey');

/** The HMAC secrets of a jwtVerifyingKeys value, one a line, blanks dropped. */
const hmacSecretLines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

const isHmac = (algorithm: JwtAlgorithm) => algorithm.startsWith('HS');

/**
 * jwtVerifyingKeys as the containers target hands it over, in JWT_VERIFYING_KEYS: PEM blocks as
 * they are, HMAC secrets comma-separated.
 */
export const verifyingKeysVariable = (text: string, algorithm: JwtAlgorithm) =>
  isHmac(algorithm) ? hmacSecretLines(text).join(',') : text;

/**
 * Why the app would refuse these older keys (jwtVerifyingKeys: one HMAC secret a line, or PEM
 * public keys), or nothing. The containers target hands HMAC secrets over comma-separated
 * (verifyingKeysVariable), so a secret with a comma cannot go there.
 */
export function verifyingKeysProblems(text: string, config: StackConfig): string[] {
  const problems = appVerifyingKeysProblems(text, config.jwtAlgorithm, 'jwtVerifyingKeys');
  const withComma = hmacSecretLines(text).some((line) => line.includes(','));
  if (config.target === 'containers' && isHmac(config.jwtAlgorithm) && withComma) {
    problems.push(
      'jwtVerifyingKeys: the containers target cannot hand over an HMAC secret with a comma in it',
    );
  }
  return problems;
}
