/**
 * The images a stack runs, built from this repository: the app, nginx in front of it (its
 * upstreams and limits baked in at build time), and any further one a target needs (Prometheus
 * and Alertmanager, on Swarm). Without a registry they are built on the engine that runs them
 * and never pushed; with one, built where `pulumi up` runs and pushed, so that every node of a
 * swarm pulls the same bytes, named by digest.
 */
import { join } from 'node:path';
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { appPort } from './app-environment.ts';
import { childOf, componentType } from './component.ts';
import { imageVersion } from './image-version.ts';
import type { StackConfig } from './stack-config.ts';

const repositoryRoot = join(import.meta.dirname, '..', '..');

/** The ports nginx listens on inside its container: plain HTTP, and TLS when it serves HTTPS. */
export const nginxPort = 8080;
export const nginxTlsPort = 8443;

/** Where nginx finds the app: host names, looked up once at start or, with a resolver, per request. */
export interface Upstream {
  hosts: string[];
  resolver?: string;
  /** Who may read /nginx_status besides loopback. */
  statusClients?: string[];
}

/** A registry the images are pushed to and every node pulls from. */
export interface ImageRegistry {
  server: string;
  username?: string;
  password?: pulumi.Output<string>;
}

/** Where a stack's images go: a registry, and the engine that builds them for it. */
export interface ImageDestination {
  registry: ImageRegistry;
  /** The engine where `pulumi up` runs; the swarm's own engines only pull. */
  builder: docker.Provider;
}

/**
 * A build of a Dockerfile in this repository, local to the engine or pushed to the registry.
 * The context is the repository root unless the Dockerfile's folder is enough.
 */
export function stackImage(
  name: string,
  image: string,
  build: { dockerfile: string; args: Record<string, string>; context?: string },
  opts: pulumi.CustomResourceOptions,
  destination?: ImageDestination,
): docker.Image {
  const repository = `${name}-${image}`;
  return new docker.Image(
    `${name}-${image}-image`,
    {
      ...(destination === undefined
        ? { imageName: `${repository}:latest`, skipPush: true }
        : {
            imageName: `${destination.registry.server}/${repository}:latest`,
            skipPush: false,
            registry: destination.registry,
          }),
      build: {
        context: build.context ?? repositoryRoot,
        dockerfile: join(repositoryRoot, build.dockerfile),
        args: build.args,
      },
    },
    destination === undefined ? opts : { ...opts, provider: destination.builder },
  );
}

export interface StackImagesArgs {
  config: StackConfig;
  upstream: Upstream;
  /** nginx serves HTTPS too, with the pair its keeper installs (config.plainHttp applies). */
  https: boolean;
  destination?: ImageDestination;
}

/** The app's and nginx's images. */
export class StackImages extends pulumi.ComponentResource {
  readonly app: docker.Image;
  readonly nginx: docker.Image;
  private readonly appArgs: Record<string, string>;
  private appVersionHash: string | undefined;

  constructor(
    name: string,
    { config, upstream, https, destination }: StackImagesArgs,
    opts: pulumi.ComponentResourceOptions,
  ) {
    super(componentType('StackImages'), `${name}-images`, {}, opts);
    const build = (image: string, dockerfile: string, args: Record<string, string>) =>
      stackImage(name, image, { dockerfile, args }, childOf(this), destination);
    this.appArgs = { NODE_BASE: config.appBaseImage };
    this.app = build('api', 'app/Dockerfile', this.appArgs);
    this.nginx = build('nginx', 'nginx/Dockerfile', {
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
      ...(https ? { TLS_PORT: String(nginxTlsPort) } : {}),
      ...(https && config.plainHttp === 'redirect'
        ? { REDIRECT_PORT: String(config.tlsPort) }
        : {}),
    });
    this.registerOutputs({ app: this.app.repoDigest, nginx: this.nginx.repoDigest });
  }

  /**
   * What the app image is built from, hashed: it changes with every new app image. Read from the
   * files on first use, by the target that names its containers with it, and only once.
   */
  get appVersion(): string {
    this.appVersionHash ??= imageVersion(
      repositoryRoot,
      join(repositoryRoot, 'app/Dockerfile'),
      this.appArgs,
    );
    return this.appVersionHash;
  }
}
