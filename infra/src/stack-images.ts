/**
 * The images a stack runs, built from this repository on the engine that runs them and never
 * pushed: the app, nginx in front of it (its upstreams and limits baked in at build time), and
 * any further one a target needs (Prometheus, on Swarm).
 */
import { join } from 'node:path';
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { appPort } from './app-environment.ts';
import { childOf, componentType } from './component.ts';
import { imageVersion } from './image-version.ts';
import type { StackConfig } from './stack-config.ts';

const repositoryRoot = join(import.meta.dirname, '..', '..');

/** The port nginx listens on inside its container. */
export const nginxPort = 8080;

/** Where nginx finds the app: host names, looked up once at start or, with a resolver, per request. */
export interface Upstream {
  hosts: string[];
  resolver?: string;
  /** Who may read /nginx_status besides loopback. */
  statusClients?: string[];
}

/**
 * A local build of a Dockerfile in this repository. The context is the repository root unless
 * the Dockerfile's folder is enough.
 */
export function localImage(
  name: string,
  image: string,
  build: { dockerfile: string; args: Record<string, string>; context?: string },
  opts: pulumi.CustomResourceOptions,
): docker.Image {
  return new docker.Image(
    `${name}-${image}-image`,
    {
      imageName: `${name}-${image}:latest`,
      skipPush: true,
      build: {
        context: build.context ?? repositoryRoot,
        dockerfile: join(repositoryRoot, build.dockerfile),
        args: build.args,
      },
    },
    opts,
  );
}

export interface StackImagesArgs {
  config: StackConfig;
  upstream: Upstream;
}

/** The app's and nginx's images. */
export class StackImages extends pulumi.ComponentResource {
  readonly app: docker.Image;
  readonly nginx: docker.Image;
  private readonly appArgs: Record<string, string>;
  private appVersionHash: string | undefined;

  constructor(
    name: string,
    { config, upstream }: StackImagesArgs,
    opts: pulumi.ComponentResourceOptions,
  ) {
    super(componentType('StackImages'), `${name}-images`, {}, opts);
    const build = (image: string, dockerfile: string, args: Record<string, string>) =>
      localImage(name, image, { dockerfile, args }, childOf(this));
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
