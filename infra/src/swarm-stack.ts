/**
 * The production stack as Docker Swarm services, for one host or several: an overlay network,
 * the app's keys and the database password as Swarm secrets (files in the tasks, never the
 * environment), PostgreSQL as a service pinned to the node that holds its volume (or a database
 * of the user's own) and a service that backs it up, the app as a replicated service that rolls
 * start-first behind its health check and rolls itself back, nginx published on the node
 * (HTTPS with a pair its keeper installs), following the app's tasks through Docker's DNS, and
 * Prometheus, which finds and scrapes every task the same way.
 *
 * This kernel's facts shape it: service virtual IPs and the ingress routing mesh need IPVS, which
 * not every host has, so every service answers by DNS round robin (`dnsrr`) and nginx publishes
 * in host mode. Both work on ordinary hosts too.
 */
import { join } from 'node:path';
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { appEnvironment, stopGraceSeconds, type SigningKeys } from './app-environment.ts';
import { childOf, componentType } from './component.ts';
import { duration, gatewayOf, tmpfsMode } from './engine-forms.ts';
import { containerMemoryNeededMb, type StackConfig } from './stack-config.ts';
import { keeperProgram, nginxPorts, stackUrl, tlsPairFolder } from './https-front.ts';
import { nginxPort, stackImage, StackImages, type ImageDestination } from './stack-images.ts';

/** infra/: each monitor's Dockerfile and config live in a folder of its own here. */
const infraFolder = join(import.meta.dirname, '..');

const mebibytes = (value: number) => value * 1024 * 1024;

/** Where the secrets appear in the tasks: the app reads them through its *_FILE settings. */
export const secretFiles = {
  signingKey: '/run/secrets/jwt_signing_key',
  verifyingKeys: '/run/secrets/jwt_verifying_keys',
  databasePassword: '/run/secrets/database_password',
};

/** Each task's metrics (worker 0 answers with the sum over the task's pm2 workers). */
export const metricsPort = 9464;

/** The database's user and name in the PostgreSQL service. */
const database = { user: 'kit', name: 'kit', port: 5432 };

/** The app image's user (app/Dockerfile: node, uid 1000): its secrets are readable by it alone. */
const appUid = '1000';

/** The nginx image's user (Debian's nginx package: uid 101), the TLS keeper's too. */
const nginxUid = '101';

/** Swarm restarts a task that exits, whatever the reason; `window` set, or it drifts after `up`. */
const restartAlways = { condition: 'any', delay: '2s', maxAttempts: 0, window: '0s' };

/** `pulumi up` waits for the rollout, and fails when Swarm rolled it back. */
const converge = { delay: '2s', timeout: '5m' };

/** The named volume a one-task service keeps its data on. */
const dataVolume = (name: string, service: string, parent: pulumi.Resource) =>
  new docker.Volume(
    `${name}-${service}-data`,
    { name: `${name}-${service}-data` },
    childOf(parent),
  );

const tmpfs = (target: string) => ({
  type: 'tmpfs',
  target,
  tmpfsOptions: { sizeBytes: mebibytes(64), mode: tmpfsMode },
});

const boundedLogs = { name: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } };

/** What every task shares: restarted whatever ended it, on the stack's network, bounded logs. */
const onOverlay = (network: docker.Network) => ({
  restartPolicy: restartAlways,
  networksAdvanceds: [{ id: network.id }],
  logDriver: boundedLogs,
});

/**
 * For a service whose one task holds what a second cannot share (a data folder, a host port):
 * the old task stops before the new one starts, and a new one that fails within `monitor` rolls
 * the update back.
 */
const stopFirst = (monitor: string) => ({
  updateConfig: { parallelism: 1, order: 'stop-first', failureAction: 'rollback', monitor },
  rollbackConfig: { parallelism: 1, order: 'stop-first', monitor },
});

/** A secret's file in a task: owned by `uid`, readable by it alone. */
const secretFile = (secret: docker.Secret, fileName: string, uid = '0') => ({
  secretId: secret.id,
  secretName: secret.name,
  fileName,
  fileUid: uid,
  fileGid: uid,
  fileMode: 0o400,
});

/** Swarm stores a secret's data base64-encoded; Pulumi keeps it encrypted in the state. */
const secretData = (value: pulumi.Output<string>) =>
  pulumi.secret(value.apply((text) => Buffer.from(text).toString('base64')));

/** What each service is declared with: the stack's name and settings, its network, its parent. */
interface Place {
  name: string;
  config: StackConfig;
  network: docker.Network;
  parent: pulumi.Resource;
  /** Where the stack's own images are pushed, past one node. */
  destination?: ImageDestination;
}

/**
 * What a service needs to pull its image from a registry with a user: the stack's own images,
 * and another (`image`) only when it is in that registry, whose credentials go nowhere else.
 */
const pullAuth = ({ destination }: Place, image?: string) => {
  const registry = destination?.registry;
  if (registry?.username === undefined) return {};
  if (image !== undefined && !image.startsWith(`${registry.server}/`)) return {};
  return {
    auth: {
      serverAddress: registry.server,
      username: registry.username,
      ...(registry.password === undefined ? {} : { password: registry.password }),
    },
  };
};

function declarePostgres(place: Place, password: docker.Secret): docker.Service {
  const { name, config, network, parent } = place;
  const data = dataVolume(name, 'postgres', parent);
  return new docker.Service(
    `${name}-postgres`,
    {
      name: `${name}-postgres`,
      mode: { replicated: { replicas: 1 } },
      taskSpec: {
        containerSpec: {
          image: config.postgresBaseImage,
          env: {
            POSTGRES_USER: database.user,
            POSTGRES_DB: database.name,
            POSTGRES_PASSWORD_FILE: secretFiles.databasePassword,
            PGDATA: '/var/lib/postgresql/data/pgdata',
          },
          secrets: [secretFile(password, secretFiles.databasePassword)],
          mounts: [{ type: 'volume', source: data.name, target: '/var/lib/postgresql/data' }],
          healthcheck: {
            tests: [
              'CMD',
              'pg_isready',
              '-h',
              '127.0.0.1',
              '-U',
              database.user,
              '-d',
              database.name,
            ],
            interval: '5s',
            timeout: '3s',
            startPeriod: '30s',
            retries: 5,
          },
          // A fast shutdown: sessions end, data is flushed; within the grace period.
          stopSignal: 'SIGINT',
          stopGracePeriod: duration(60),
        },
        // The volume lives on one node: the database must start there again.
        placement: { constraints: [config.postgresPlacement] },
        resources: { limits: { memoryBytes: mebibytes(512) } },
        ...onOverlay(network),
      },
      endpointSpec: { mode: 'dnsrr' },
      ...pullAuth(place, config.postgresBaseImage),
      // Two servers on one data folder would corrupt it.
      ...stopFirst('30s'),
      convergeConfig: converge,
    },
    childOf(parent),
  );
}

/** The app's secrets: its keys (the older ones while they are rotated out) and the database's. */
interface AppSecrets {
  signingKey: docker.Secret;
  verifyingKeys?: docker.Secret;
  databasePassword: docker.Secret;
}

function declareApp(
  place: Place,
  image: pulumi.Input<string>,
  secrets: AppSecrets,
  databaseUrl: string,
  dependsOn: pulumi.Resource[],
): docker.Service {
  const { name, config, network, parent } = place;
  const { verifyingKeys } = secrets;
  const env = {
    ...appEnvironment(config),
    JWT_SIGNING_KEY_FILE: secretFiles.signingKey,
    ...(verifyingKeys === undefined ? {} : { JWT_VERIFYING_KEYS_FILE: secretFiles.verifyingKeys }),
    DATABASE_URL: databaseUrl,
    DATABASE_PASSWORD_FILE: secretFiles.databasePassword,
    // Prometheus scrapes every task over the overlay; the port is not published.
    METRICS_PORT: String(metricsPort),
    METRICS_HOST: '0.0.0.0',
    NGINX_STATUS_URL: `http://${name}-nginx:${nginxPort}/nginx_status`,
  };
  const workers = config.workersPerContainer === 'max' ? 1 : Number(config.workersPerContainer);
  return new docker.Service(
    `${name}-app`,
    {
      name: `${name}-app`,
      mode: { replicated: { replicas: config.replicas } },
      taskSpec: {
        containerSpec: {
          image,
          env,
          secrets: [
            secretFile(secrets.signingKey, secretFiles.signingKey, appUid),
            ...(verifyingKeys === undefined
              ? []
              : [secretFile(verifyingKeys, secretFiles.verifyingKeys, appUid)]),
            secretFile(secrets.databasePassword, secretFiles.databasePassword, appUid),
          ],
          // A task gets traffic once /readyz answers: its database reached, its key loaded.
          healthcheck: {
            tests: ['CMD', 'node', 'dist/app/src/healthcheck.js'],
            interval: '5s',
            timeout: '3s',
            startPeriod: '30s',
            retries: 3,
          },
          user: 'node',
          readOnly: true,
          capDrops: ['ALL'],
          mounts: [tmpfs('/tmp')],
          // Above pm2's drain (ecosystem.config.cjs kill_timeout): in-flight requests finish.
          stopGracePeriod: duration(stopGraceSeconds),
        },
        resources: {
          limits: { memoryBytes: mebibytes(config.appMemoryMb) },
          // What one worker hashing and pm2 need: a node without it gets no task.
          reservation: { memoryBytes: mebibytes(containerMemoryNeededMb(workers)) },
        },
        ...onOverlay(network),
      },
      endpointSpec: { mode: 'dnsrr' },
      ...pullAuth(place),
      // One task at a time, the new one healthy before the old one stops; a task that fails
      // within the monitor window rolls the whole update back.
      updateConfig: {
        parallelism: 1,
        delay: '5s',
        order: 'start-first',
        failureAction: 'rollback',
        monitor: '20s',
        // The provider's form: a ratio with one decimal.
        maxFailureRatio: '0.0',
      },
      rollbackConfig: {
        parallelism: 1,
        order: 'start-first',
        failureAction: 'pause',
        monitor: '20s',
      },
      convergeConfig: converge,
    },
    // Every task migrates at start under PostgreSQL's advisory lock: one applies, the rest wait.
    childOf(parent, { dependsOn }),
  );
}

/**
 * The database's backups: a task that takes one with pg_dump every `backupInterval` into its
 * volume and keeps the newest `backupsKept` (infra/backup/), on `backupPlacement`'s node. The
 * same program restores one into an empty database (docs/operations.md).
 */
function declareBackup(place: Place, password: docker.Secret, postgres: docker.Service) {
  const { name, config, network, parent } = place;
  const image = stackImage(
    name,
    'backup',
    {
      dockerfile: 'infra/backup/Dockerfile',
      args: { POSTGRES_BASE: config.postgresBaseImage },
      context: join(infraFolder, 'backup'),
    },
    childOf(parent),
    place.destination,
  );
  const backups = dataVolume(name, 'backups', parent);
  return new docker.Service(
    `${name}-backup`,
    {
      name: `${name}-backup`,
      mode: { replicated: { replicas: 1 } },
      taskSpec: {
        containerSpec: {
          image: image.repoDigest,
          args: ['every', String(config.backupInterval), String(config.backupsKept)],
          env: {
            DATABASE_HOST: `${name}-postgres`,
            DATABASE_PORT: String(database.port),
            DATABASE_USER: database.user,
            DATABASE_NAME: database.name,
            DATABASE_PASSWORD_FILE: secretFiles.databasePassword,
          },
          secrets: [secretFile(password, secretFiles.databasePassword)],
          mounts: [{ type: 'volume', source: backups.name, target: '/backups' }, tmpfs('/tmp')],
          readOnly: true,
          capDrops: ['ALL'],
          // A dump in progress is cut: the files listed are whole ones (prodstack-backup.sh).
          stopGracePeriod: '10s',
        },
        placement: { constraints: [config.backupPlacement ?? config.postgresPlacement] },
        resources: { limits: { memoryBytes: mebibytes(256) } },
        ...onOverlay(network),
      },
      endpointSpec: { mode: 'dnsrr' },
      ...pullAuth(place),
      // One writer of the backups' folder.
      ...stopFirst('10s'),
      convergeConfig: converge,
    },
    childOf(parent, { dependsOn: [postgres] }),
  );
}

/**
 * nginx on as many nodes as should take traffic, one task a node, each on its node's own port
 * (host mode, not the routing mesh, which needs IPVS). Replicas at most one a node rather than
 * global mode: the provider's convergeConfig counts a replicated service's tasks (`pulumi up`
 * waits for every nginx, and fails on a rollback), and a stack deployed with one nginx keeps its
 * service instead of replacing it. A node that dies takes its nginx with it: the others go on.
 */
function declareNginx(place: Place, image: pulumi.Input<string>, keeper?: TlsKeeper) {
  const { name, config, network, parent } = place;
  return new docker.Service(
    `${name}-nginx`,
    {
      name: `${name}-nginx`,
      mode: { replicated: { replicas: config.nginxReplicas } },
      taskSpec: {
        containerSpec: {
          image,
          readOnly: true,
          capDrops: ['ALL'],
          mounts: [
            tmpfs('/tmp'),
            ...(keeper === undefined
              ? []
              : [
                  {
                    type: 'volume',
                    source: keeper.volume.name,
                    target: tlsPairFolder,
                    readOnly: true,
                  },
                ]),
          ],
          // nginx finishes the requests in flight on SIGQUIT.
          stopSignal: 'SIGQUIT',
          // nginx opens a connection to a task per request here (nginx/http/resolver.conf): the
          // closed ones wait in TIME_WAIT, and at thousands of requests a second the container
          // runs out of local ports (measured: "Cannot assign requested address"). Reusing them
          // for new outgoing connections is safe with TCP timestamps, Linux's default.
          sysctl: { 'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.ip_local_port_range': '1024 65000' },
          stopGracePeriod: duration(stopGraceSeconds),
        },
        // Two on one node would want the same host port.
        placement: {
          ...(config.nginxPlacement === undefined ? {} : { constraints: [config.nginxPlacement] }),
          maxReplicas: 1,
        },
        resources: { limits: { memoryBytes: mebibytes(128) } },
        ...onOverlay(network),
      },
      // Each task holds its node's port, so an update stops the old task first, one node at a
      // time. Its image changes only with nginx's settings, not with the app's: app rollouts
      // never touch it.
      endpointSpec: {
        mode: 'dnsrr',
        ports: nginxPorts(config, keeper !== undefined).map(({ internal, published }) => ({
          targetPort: internal,
          publishedPort: published,
          publishMode: 'host',
        })),
      },
      ...pullAuth(place),
      ...stopFirst('10s'),
      convergeConfig: converge,
    },
    // After the keeper, so that a first handshake finds the pair.
    childOf(parent, { dependsOn: keeper === undefined ? [] : [keeper.service] }),
  );
}

/** The TLS pair's volume (one on each node that takes traffic) and the service keeping it. */
interface TlsKeeper {
  volume: docker.Volume;
  service: docker.Service;
}

/**
 * The keeper of the TLS pair: a task on every node that may run nginx (global mode, nginx's
 * placement), which installs the pair from its secret into the node's volume and stays up. A
 * renewal is a new secret: the keeper's tasks roll start-first and install it, and nginx reads
 * it from its next handshake on, never restarted.
 */
function declareTlsKeeper(
  place: Place,
  image: pulumi.Input<string>,
  pair: docker.Secret,
): TlsKeeper {
  const { name, config, network, parent } = place;
  const volume = dataVolume(name, 'tls', parent);
  const file = '/run/secrets/tls_pair';
  const service = new docker.Service(
    `${name}-tls-keeper`,
    {
      name: `${name}-tls-keeper`,
      mode: { global: true },
      taskSpec: {
        containerSpec: {
          image,
          commands: [keeperProgram],
          args: ['install', file],
          secrets: [secretFile(pair, file, nginxUid)],
          mounts: [{ type: 'volume', source: volume.name, target: tlsPairFolder }],
          // `pulumi up` goes on once every task has installed this pair.
          healthcheck: {
            tests: ['CMD', keeperProgram, 'check', file],
            interval: '2s',
            timeout: '2s',
            retries: 3,
          },
          readOnly: true,
          capDrops: ['ALL'],
          stopGracePeriod: '10s',
        },
        ...(config.nginxPlacement === undefined
          ? {}
          : { placement: { constraints: [config.nginxPlacement] } }),
        resources: { limits: { memoryBytes: mebibytes(32) } },
        ...onOverlay(network),
      },
      ...pullAuth(place),
      updateConfig: {
        parallelism: 0,
        order: 'start-first',
        failureAction: 'rollback',
        monitor: '5s',
      },
      rollbackConfig: { parallelism: 0, order: 'start-first', monitor: '5s' },
      convergeConfig: converge,
    },
    childOf(parent),
  );
  return { volume, service };
}

/**
 * A monitor of the stack (Prometheus, Alertmanager): its image built from infra/<role>/ with the
 * stack's settings as build arguments, one task keeping its data on a volume, so pinned like the
 * database to the node holding it, and reached over the overlay alone (no published port).
 */
function declareMonitor(place: Place, role: string, args: Record<string, string>): docker.Service {
  const { name, config, network, parent } = place;
  const image = stackImage(
    name,
    role,
    {
      dockerfile: `infra/${role}/Dockerfile`,
      args: { DEBIAN_BASE: config.prometheusBaseImage, ...args },
      context: join(infraFolder, role),
    },
    childOf(parent),
    place.destination,
  );
  const data = dataVolume(name, role, parent);
  return new docker.Service(
    `${name}-${role}`,
    {
      name: `${name}-${role}`,
      mode: { replicated: { replicas: 1 } },
      taskSpec: {
        containerSpec: {
          image: image.repoDigest,
          readOnly: true,
          capDrops: ['ALL'],
          mounts: [{ type: 'volume', source: data.name, target: `/${role}` }],
          stopGracePeriod: '30s',
        },
        placement: { constraints: ['node.role==manager'] },
        resources: { limits: { memoryBytes: mebibytes(512) } },
        ...onOverlay(network),
      },
      endpointSpec: { mode: 'dnsrr' },
      ...pullAuth(place),
      // One server per data folder.
      ...stopFirst('10s'),
      convergeConfig: converge,
    },
    childOf(parent),
  );
}

/** Prometheus with the stack's scrape config and alert rules (infra/prometheus/). */
const declarePrometheus = (place: Place, alertmanager: boolean) =>
  declareMonitor(place, 'prometheus', {
    APP_TASKS: `tasks.${place.name}-app`,
    METRICS_PORT: String(metricsPort),
    SCRAPE_INTERVAL: `${place.config.scrapeInterval}s`,
    EXPECTED_TASKS: String(place.config.replicas),
    TASK_DOWN_AFTER: `${place.config.taskDownAfter}s`,
    P95_BUDGET_SECONDS: String(place.config.p95BudgetMs / 1000),
    ...(alertmanager ? { ALERTMANAGER_TASKS: `tasks.${place.name}-alertmanager` } : {}),
  });

/**
 * Alertmanager, which sends Prometheus's alerts to the user's webhook, firing and resolved
 * (infra/alertmanager/): a group's first notice waits a scrape, a change to it an alert's delay.
 */
const declareAlertmanager = (place: Place, webhookUrl: string) =>
  declareMonitor(place, 'alertmanager', {
    WEBHOOK_URL: webhookUrl,
    GROUP_WAIT: `${place.config.scrapeInterval}s`,
    GROUP_INTERVAL: `${place.config.taskDownAfter}s`,
  });

export interface SwarmStackArgs {
  config: StackConfig;
  keys: SigningKeys;
  /** The TLS pair nginx serves HTTPS with, when it does (tls-pair.ts). */
  https?: pulumi.Output<string>;
  databasePassword: pulumi.Output<string>;
  /** Past one node: the registry the images are pushed to, and the engine that builds them. */
  destination?: ImageDestination;
}

export class SwarmStack extends pulumi.ComponentResource {
  readonly url: string;
  readonly containers: docker.Container[] = [];
  readonly services: docker.Service[];

  constructor(
    name: string,
    { config, keys, https, databasePassword, destination }: SwarmStackArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super(componentType('SwarmStack'), name, {}, opts);
    // Attachable: a one-off container (`docker run --network`) can reach the services, for a
    // migration by hand or a look at the database.
    const network = new docker.Network(
      `${name}-overlay`,
      {
        name: `${name}-overlay`,
        driver: 'overlay',
        attachable: true,
        // Known in advance: nginx's image lets this range, the app's tasks, read its status.
        ipamConfigs: [{ subnet: config.overlaySubnet, gateway: gatewayOf(config.overlaySubnet) }],
      },
      childOf(this),
    );
    const place: Place = {
      name,
      config,
      network,
      parent: this,
      ...(destination === undefined ? {} : { destination }),
    };
    // Secrets are immutable in Swarm: named by Pulumi, a new value is a new secret, and the
    // services move to it in their rolling update.
    const secret = (role: string, value: pulumi.Output<string>) =>
      new docker.Secret(`${name}-${role}`, { data: secretData(value) }, childOf(this));
    const secrets: AppSecrets = {
      signingKey: secret('jwt-signing-key', keys.signing),
      ...(keys.verifying === undefined
        ? {}
        : { verifyingKeys: secret('jwt-verifying-keys', keys.verifying) }),
      databasePassword: secret('database-password', databasePassword),
    };
    const images = new StackImages(
      name,
      {
        config,
        upstream: {
          hosts: [`tasks.${name}-app`],
          resolver: '127.0.0.11',
          statusClients: [config.overlaySubnet],
        },
        https: https !== undefined,
        ...(destination === undefined ? {} : { destination }),
      },
      { parent: this },
    );
    const postgres =
      config.databaseUrl === undefined ? [declarePostgres(place, secrets.databasePassword)] : [];
    // A database of the user's own is backed up where it runs.
    const backup = postgres.map((server) => declareBackup(place, secrets.databasePassword, server));
    const databaseUrl =
      config.databaseUrl ??
      `postgres://${database.user}@${name}-postgres:${database.port}/${database.name}`;
    const app = declareApp(place, images.app.repoDigest, secrets, databaseUrl, postgres);
    const keeper =
      https === undefined
        ? undefined
        : declareTlsKeeper(place, images.nginx.repoDigest, secret('tls-pair', https));
    const nginx = declareNginx(place, images.nginx.repoDigest, keeper);
    const alerts =
      config.alertWebhookUrl === undefined
        ? []
        : [declareAlertmanager(place, config.alertWebhookUrl)];
    const prometheus = declarePrometheus(place, alerts.length > 0);
    this.url = stackUrl(config, https !== undefined, '127.0.0.1');
    this.services = [
      ...postgres,
      ...backup,
      app,
      ...(keeper === undefined ? [] : [keeper.service]),
      nginx,
      prometheus,
      ...alerts,
    ];
    this.registerOutputs({ url: this.url });
  }
}
