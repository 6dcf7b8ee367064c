/**
 * The `containers` target: the production stack as plain Docker containers on one engine. One
 * network, a volume for the SQLite file, the two images built from this repository, `replicas`
 * app containers (pm2 in cluster mode each) and nginx in front, published on the host. Every
 * container runs with a read-only root, no Linux capabilities and no privilege escalation.
 *
 * A new app image, or a new key, deploys without a failed request: the app containers' names
 * carry the image's version and a hash of their environment, so Pulumi creates the new ones
 * beside the old (create before delete, its default when the name changes), waits for them to
 * be healthy, and only then stops the old ones, which drain. They all answer to one network
 * alias, which nginx looks up per request through Docker's DNS: it finds the new containers as
 * they come, and moves a request an old one refuses to the next address.
 */
import { createHash } from 'node:crypto';
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { appEnvironment, stopGraceSeconds, type SigningKeys } from './app-environment.ts';
import { childOf, componentType } from './component.ts';
import { verifyingKeysVariable, type StackConfig } from './stack-config.ts';
import { keeperProgram, nginxPorts, stackUrl, tlsPairFolder } from './https-front.ts';
import { StackImages } from './stack-images.ts';

/**
 * Memory as a limit with no swap beyond it: Docker would set swap to twice the memory on its
 * own, which the provider reads back as a change after every `up`.
 */
const memoryLimit = (mebibytes: number) => ({ memory: mebibytes, memorySwap: mebibytes });

/** The network alias every app container answers to: nginx's one upstream name. */
const appAlias = 'app';

/** Docker's DNS inside a container on a user-defined network. */
const dockerDns = '127.0.0.11';

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

/** A container stops within the grace period: in-flight requests finish. */
const gracefulStop = { stopTimeout: stopGraceSeconds, destroyGraceSeconds: stopGraceSeconds };

export interface ContainersStackArgs {
  config: StackConfig;
  keys: SigningKeys;
  /** The TLS pair nginx serves HTTPS with, when it does (tls-pair.ts). */
  https?: pulumi.Output<string>;
}

/** The app containers' environment: a secret as a whole, since it carries the keys. */
function secretEnvironment(config: StackConfig, keys: SigningKeys) {
  const lines = Object.entries(appEnvironment(config)).map(([key, value]) => `${key}=${value}`);
  // A secret in, a secret out: Pulumi encrypts the whole list in its state.
  return pulumi.secret(
    pulumi
      .all([keys.signing, keys.verifying])
      .apply(([signing, verifying]) => [
        ...lines,
        `JWT_SIGNING_KEY=${signing}`,
        ...(verifying === undefined
          ? []
          : [`JWT_VERIFYING_KEYS=${verifyingKeysVariable(verifying, config.jwtAlgorithm)}`]),
      ]),
  );
}

/**
 * A short hash of a secret, to name a container after what it holds: Docker cannot change a
 * container's environment, so a new key or a new TLS pair is a new container, which needs a
 * new name to start beside the old. Not a secret: a token signed with the key, or the
 * certificate, already lets anyone test a guess of it, which these few bits do no better.
 */
const versionOf = (secret: pulumi.Output<string>) =>
  pulumi.unsecret(
    secret.apply((text) => createHash('sha256').update(text).digest('hex').slice(0, 12)),
  );

export class ContainersStack extends pulumi.ComponentResource {
  readonly url: string;
  readonly containers: docker.Container[];
  readonly services: docker.Service[] = [];

  constructor(
    name: string,
    { config, keys, https }: ContainersStackArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super(componentType('ContainersStack'), name, {}, opts);
    const network = new docker.Network(`${name}-net`, { name: `${name}-net` }, childOf(this));
    const data = new docker.Volume(`${name}-data`, { name: `${name}-data` }, childOf(this));
    const images = new StackImages(
      name,
      { config, upstream: { hosts: [appAlias], resolver: dockerDns }, https: https !== undefined },
      { parent: this },
    );
    const envs = secretEnvironment(config, keys);
    const version = versionOf(envs.apply((lines) => [images.appVersion, ...lines].join('\n')));

    const apps = Array.from({ length: config.replicas }, (_, i) => i + 1).map(
      (replica) =>
        new docker.Container(
          `${name}-app-${replica}`,
          {
            name: pulumi.interpolate`${name}-app-${replica}-${version}`,
            image: images.app.repoDigest,
            envs,
            networksAdvanced: [{ name: network.name, aliases: [appAlias] }],
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
            ...gracefulStop,
            ...lockedDown,
          },
          // The new container first, then the old one stopped: never none running.
          childOf(this, { additionalSecretOutputs: ['envs'], deleteBeforeReplace: false }),
        ),
    );

    const keeper =
      https === undefined ? undefined : this.declareKeeper(name, images.nginx.repoDigest, https);
    const nginx = new docker.Container(
      `${name}-nginx`,
      {
        name: `${name}-nginx`,
        image: images.nginx.repoDigest,
        networksAdvanced: [{ name: network.name, aliases: ['nginx'] }],
        ports: nginxPorts(config, https !== undefined).map(({ internal, published }) => ({
          internal,
          external: published,
          ip: config.publicHost,
        })),
        ...(keeper === undefined
          ? {}
          : {
              volumes: [
                { volumeName: keeper.volume.name, containerPath: tlsPairFolder, readOnly: true },
              ],
            }),
        ...memoryLimit(128),
        ...gracefulStop,
        ...lockedDown,
      },
      // Up after the first app containers, so that its first requests find one, and after the
      // keeper, so that its first handshake finds the pair.
      childOf(this, { dependsOn: [...apps, ...(keeper === undefined ? [] : [keeper.container])] }),
    );

    const host = config.publicHost === '0.0.0.0' ? '127.0.0.1' : config.publicHost;
    this.url = stackUrl(config, https !== undefined, host);
    this.containers = [...apps, ...(keeper === undefined ? [] : [keeper.container]), nginx];
    this.registerOutputs({ url: this.url });
  }

  /**
   * The TLS pair's volume, and its keeper: named after the pair, so that a renewal starts a new
   * keeper, which installs the new pair (`pulumi up` waits for its health check to see it
   * installed), before the old one is removed.
   */
  private declareKeeper(name: string, image: pulumi.Input<string>, pair: pulumi.Output<string>) {
    const volume = new docker.Volume(`${name}-tls`, { name: `${name}-tls` }, childOf(this));
    const check = [keeperProgram, 'check', '-'];
    const container = new docker.Container(
      `${name}-tls-keeper`,
      {
        name: pulumi.interpolate`${name}-tls-keeper-${versionOf(pair)}`,
        image,
        entrypoints: [keeperProgram],
        command: ['install', '-'],
        // The containers target has no secret files: the pair comes in the environment, as the
        // app's key does, a secret in Pulumi's state.
        envs: pulumi.secret(pair.apply((text) => [`TLS_PAIR=${text}`])),
        volumes: [{ volumeName: volume.name, containerPath: tlsPairFolder }],
        healthcheck: { tests: ['CMD', ...check], interval: '2s', timeout: '2s', retries: 3 },
        wait: true,
        waitTimeout: 60,
        ...memoryLimit(32),
        ...gracefulStop,
        ...lockedDown,
      },
      childOf(this, { additionalSecretOutputs: ['envs'], deleteBeforeReplace: false }),
    );
    return { volume, container };
  }
}
