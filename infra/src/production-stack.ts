/**
 * The production stack as Docker resources: one network, a volume for the SQLite file, the two
 * images built from this repository, `replicas` app containers (pm2 in cluster mode each) and
 * nginx in front, published on the host. Every container runs with a read-only root, no Linux
 * capabilities and no privilege escalation.
 */
import { join } from 'node:path';
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { containerWorkerMemoryMb, type StackConfig } from './stack-config.ts';

const repositoryRoot = join(import.meta.dirname, '..', '..');

/** The port the app listens on inside its containers (app/Dockerfile) and nginx's upstream port. */
export const appPort = 3000;
/** The port nginx listens on inside its container. */
export const nginxPort = 8080;

/**
 * How long a container removed or replaced by `pulumi up`/`destroy` may take to stop, and how long
 * Docker waits on its own stop: above pm2's drain (ecosystem.config.cjs kill_timeout, 16 s) and
 * nginx's graceful quit. Without destroyGraceSeconds the provider stops with a timeout of 0, a
 * SIGKILL right after the SIGTERM, and in-flight requests are cut.
 */
export const stopGraceSeconds = 25;

/**
 * Memory as a limit with no swap beyond it: Docker would set swap to twice the memory on its
 * own, which the provider reads back as a change after every `up`.
 */
const memoryLimit = (mebibytes: number) => ({ memory: mebibytes, memorySwap: mebibytes });

/** The network alias of app container `index` (1-based): nginx's upstream names these. */
const appAlias = (index: number) => `app-${index}`;

/** Hardening every container gets; the app and nginx both write only to the tmpfs at /tmp. */
const lockedDown = {
  readOnly: true,
  tmpfs: { '/tmp': 'rw,noexec,nosuid,size=64m' },
  capabilities: { drops: ['ALL'] },
  securityOpts: ['no-new-privileges:true'],
  // Come back after a crash or an engine restart; stay down when stopped on purpose.
  restart: 'unless-stopped',
  // docker logs, bounded: the default json-file log grows without limit.
  logDriver: 'json-file',
  logOpts: { 'max-size': '10m', 'max-file': '3' },
};

export interface StackResources {
  url: string;
  containers: docker.Container[];
  services: docker.Service[];
}

/** The engine the resources go to: the local one, or `dockerHost`. */
export function engineOptions(name: string, config: StackConfig): pulumi.CustomResourceOptions {
  if (config.dockerHost === undefined) return {};
  return { provider: new docker.Provider(`${name}-engine`, { host: config.dockerHost }) };
}

/**
 * A local build of a Dockerfile in this repository, never pushed: the engine that builds an
 * image runs it. The context is the repository root unless the Dockerfile's folder is enough.
 */
export function localImage(
  name: string,
  image: string,
  dockerfile: string,
  args: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
  context = repositoryRoot,
): docker.Image {
  return new docker.Image(
    `${name}-${image}-image`,
    {
      imageName: `${name}-${image}:latest`,
      skipPush: true,
      build: { context, dockerfile: join(repositoryRoot, dockerfile), args },
    },
    opts,
  );
}

/**
 * The app and nginx images. nginx's upstreams are the app's host names; with a resolver, one
 * name looked up per request. Status clients may read nginx_status besides loopback.
 */
export function declareImages(
  name: string,
  config: StackConfig,
  upstream: { hosts: string[]; resolver?: string; statusClients?: string[] },
  opts: pulumi.CustomResourceOptions,
) {
  const build = (image: string, dockerfile: string, args: Record<string, string>) =>
    localImage(name, image, dockerfile, args, opts);
  return {
    app: build('api', 'app/Dockerfile', { NODE_BASE: config.appBaseImage }),
    nginx: build('nginx', 'nginx/Dockerfile', {
      NODE_BASE: config.appBaseImage,
      NGINX_BASE: config.nginxBaseImage,
      UPSTREAMS: upstream.hosts.join(','),
      ...(upstream.resolver === undefined ? {} : { RESOLVER: upstream.resolver }),
      ...(upstream.statusClients === undefined
        ? {}
        : { STATUS_CLIENTS: upstream.statusClients.join(',') }),
      PORT: String(nginxPort),
      APP_PORT: String(appPort),
      LOGIN_RATE: config.loginRate,
      LOGIN_BURST: String(config.loginBurst),
      REFRESH_RATE: config.refreshRate,
      REFRESH_BURST: String(config.refreshBurst),
    }),
  };
}

/** The app's settings every target gives it; none of them secret. */
export function appSettings(config: StackConfig): string[] {
  return [
    `PM2_INSTANCES=${config.workersPerContainer}`,
    // One hash at a time per worker, and pm2's limit above what it holds (stack-config.ts).
    'PASSWORD_HASH_CONCURRENCY=1',
    `PM2_MAX_MEMORY=${containerWorkerMemoryMb}M`,
    `APP_PORT=${appPort}`,
    // nginx reaches the app from the Docker network's private addresses.
    'TRUST_PROXY=uniquelocal',
    `JWT_ALGORITHM=${config.jwtAlgorithm}`,
    ...(config.accessTokenLifetime === undefined
      ? []
      : [`ACCESS_TOKEN_LIFETIME=${config.accessTokenLifetime}`]),
    ...(config.refreshTokenLifetime === undefined
      ? []
      : [`REFRESH_TOKEN_LIFETIME=${config.refreshTokenLifetime}`]),
  ];
}

/** The app containers' environment: a secret as a whole, since it carries the signing key. */
function appEnvironment(config: StackConfig, signingKey: pulumi.Output<string>) {
  const settings = appSettings(config);
  // A secret in, a secret out: Pulumi encrypts the whole list in its state.
  return pulumi.secret(signingKey.apply((key) => [...settings, `JWT_SIGNING_KEY=${key}`]));
}

export function declareProductionStack(
  name: string,
  config: StackConfig,
  signingKey: pulumi.Output<string>,
): StackResources {
  const opts = engineOptions(name, config);

  const network = new docker.Network(`${name}-net`, { name: `${name}-net` }, opts);
  const data = new docker.Volume(`${name}-data`, { name: `${name}-data` }, opts);
  const aliases = Array.from({ length: config.replicas }, (_, i) => appAlias(i + 1));
  const images = declareImages(name, config, { hosts: aliases }, opts);
  const envs = appEnvironment(config, signingKey);

  const apps = aliases.map(
    (alias) =>
      new docker.Container(
        `${name}-${alias}`,
        {
          name: `${name}-${alias}`,
          image: images.app.repoDigest,
          envs,
          networksAdvanced: [{ name: network.name, aliases: [alias] }],
          volumes: [{ volumeName: data.name, containerPath: '/data' }],
          healthcheck: {
            tests: ['CMD', 'node', 'dist/app/src/healthcheck.js'],
            interval: '10s',
            timeout: '3s',
            startPeriod: '20s',
            retries: 3,
          },
          // `pulumi up` returns once the app answers /readyz, not when the process starts.
          wait: true,
          waitTimeout: 120,
          ...memoryLimit(config.appMemoryMb),
          stopTimeout: stopGraceSeconds,
          destroyGraceSeconds: stopGraceSeconds,
          ...lockedDown,
        },
        { ...opts, additionalSecretOutputs: ['envs'] },
      ),
  );

  const nginx = new docker.Container(
    `${name}-nginx`,
    {
      name: `${name}-nginx`,
      image: images.nginx.repoDigest,
      networksAdvanced: [{ name: network.name, aliases: ['nginx'] }],
      ports: [{ internal: nginxPort, external: config.publicPort, ip: config.publicHost }],
      ...memoryLimit(128),
      stopTimeout: stopGraceSeconds,
      destroyGraceSeconds: stopGraceSeconds,
      ...lockedDown,
    },
    // nginx looks its upstreams up once, when it starts: the app containers must exist by then.
    { ...opts, dependsOn: apps },
  );

  const host = config.publicHost === '0.0.0.0' ? '127.0.0.1' : config.publicHost;
  return {
    url: `http://${host}:${config.publicPort}/`,
    containers: [...apps, nginx],
    services: [],
  };
}
