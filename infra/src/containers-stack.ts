/**
 * The `containers` target: the production stack as plain Docker containers on one engine. One
 * network, a volume for the SQLite file, the two images built from this repository, `replicas`
 * app containers (pm2 in cluster mode each) and nginx in front, published on the host. Every
 * container runs with a read-only root, no Linux capabilities and no privilege escalation.
 *
 * A new app image deploys without a failed request: the app containers' names carry the image's
 * version, so Pulumi creates the new ones beside the old (create before delete, its default when
 * the name changes), waits for them to be healthy, and only then stops the old ones, which
 * drain. They all answer to one network alias, which nginx looks up per request through
 * Docker's DNS: it finds the new containers as they come, and moves a request an old one
 * refuses to the next address.
 */
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { appEnvironment, stopGraceSeconds } from './app-environment.ts';
import { childOf, componentType } from './component.ts';
import type { StackConfig } from './stack-config.ts';
import { nginxPort, StackImages } from './stack-images.ts';

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
  signingKey: pulumi.Output<string>;
}

/** The app containers' environment: a secret as a whole, since it carries the signing key. */
function secretEnvironment(config: StackConfig, signingKey: pulumi.Output<string>) {
  const lines = Object.entries(appEnvironment(config)).map(([key, value]) => `${key}=${value}`);
  // A secret in, a secret out: Pulumi encrypts the whole list in its state.
  return pulumi.secret(signingKey.apply((key) => [...lines, `JWT_SIGNING_KEY=${key}`]));
}

export class ContainersStack extends pulumi.ComponentResource {
  readonly url: string;
  readonly containers: docker.Container[];
  readonly services: docker.Service[] = [];

  constructor(
    name: string,
    { config, signingKey }: ContainersStackArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super(componentType('ContainersStack'), name, {}, opts);
    const network = new docker.Network(`${name}-net`, { name: `${name}-net` }, childOf(this));
    const data = new docker.Volume(`${name}-data`, { name: `${name}-data` }, childOf(this));
    const images = new StackImages(
      name,
      { config, upstream: { hosts: [appAlias], resolver: dockerDns } },
      { parent: this },
    );
    const envs = secretEnvironment(config, signingKey);

    const apps = Array.from({ length: config.replicas }, (_, i) => i + 1).map(
      (replica) =>
        new docker.Container(
          `${name}-app-${replica}`,
          {
            name: `${name}-app-${replica}-${images.appVersion}`,
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

    const nginx = new docker.Container(
      `${name}-nginx`,
      {
        name: `${name}-nginx`,
        image: images.nginx.repoDigest,
        networksAdvanced: [{ name: network.name, aliases: ['nginx'] }],
        ports: [{ internal: nginxPort, external: config.publicPort, ip: config.publicHost }],
        ...memoryLimit(128),
        ...gracefulStop,
        ...lockedDown,
      },
      // Up after the first app containers, so that its first requests find one.
      childOf(this, { dependsOn: apps }),
    );

    const host = config.publicHost === '0.0.0.0' ? '127.0.0.1' : config.publicHost;
    this.url = `http://${host}:${config.publicPort}/`;
    this.containers = [...apps, nginx];
    this.registerOutputs({ url: this.url });
  }
}
