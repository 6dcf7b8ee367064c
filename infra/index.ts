// The Pulumi program: the production stack as Docker containers on one engine, or as Docker
// Swarm services (`pulumi config set target swarm`): one component each, which `pulumi preview`
// shows with its resources beneath it.
// Settings: infra/src/stack-config.ts, or `pulumi config` on a stack (infra/README.md).
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../settings/index.ts';
import { ContainersStack } from './src/containers-stack.ts';
import {
  readStackConfig,
  signingKeyProblems,
  verifyingKeysProblems,
  type StackConfig,
} from './src/stack-config.ts';
import type { SigningKeys } from './src/app-environment.ts';
import type { ImageDestination } from './src/stack-images.ts';
import { SwarmStack } from './src/swarm-stack.ts';
import { tlsPair, tlsPairProblems } from './src/tls-pair.ts';
import { registryProblem, swarmNodeCount } from './src/swarm-nodes.ts';

const config = new pulumi.Config();
let settings: StackConfig;
try {
  settings = readStackConfig((key) => config.get(key));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  throw new pulumi.RunError(`bad stack configuration:\n  ${error.problems.join('\n  ')}`);
}
// Read once and checked before any resource is declared: a key the app would refuse stops
// `pulumi up` with the app's own one line, instead of a failed container.
const key = config.require('jwtSigningKey');
const oldKeys = config.get('jwtVerifyingKeys');
const keyProblems = [
  ...signingKeyProblems(key, settings.jwtAlgorithm),
  ...(oldKeys === undefined ? [] : verifyingKeysProblems(oldKeys, settings)),
];
if (keyProblems.length > 0) throw new pulumi.RunError(keyProblems.join('\n'));
const keys: SigningKeys = {
  signing: pulumi.secret(key),
  ...(oldKeys === undefined ? {} : { verifying: pulumi.secret(oldKeys) }),
};

/**
 * HTTPS, when both halves of the pair are set: checked first, like the keys, so that a key of
 * another certificate or an expired one stops `pulumi up` before anything is replaced.
 */
function httpsPair(): pulumi.Output<string> | undefined {
  const certificate = config.get('tlsCertificate');
  const tlsKey = config.get('tlsKey');
  if (certificate === undefined && tlsKey === undefined) return undefined;
  if (certificate === undefined || tlsKey === undefined) {
    throw new pulumi.RunError(
      `${certificate === undefined ? 'tlsCertificate' : 'tlsKey'}: set it too: HTTPS needs tlsCertificate and tlsKey`,
    );
  }
  const problems = tlsPairProblems(certificate, tlsKey);
  if (problems.length > 0) throw new pulumi.RunError(problems.join('\n'));
  return pulumi.secret(tlsPair(certificate, tlsKey));
}
const https = httpsPair();

const name = `${pulumi.getProject()}-${pulumi.getStack()}`;
// The engine the resources go to: the local one, or `dockerHost`. Declared here, at the top of
// the stack, where it has always been: a provider that moves replaces everything it made.
const engine =
  settings.dockerHost === undefined
    ? {}
    : { providers: [new docker.Provider(`${name}-engine`, { host: settings.dockerHost })] };
/**
 * Past one node the images go through a registry: built where `pulumi up` runs (the engine of
 * its DOCKER_HOST), pushed, and pulled by every node by digest.
 */
function imageDestination(): ImageDestination | undefined {
  if (settings.target !== 'swarm') return undefined;
  if (settings.registry === undefined) {
    const problem = registryProblem(swarmNodeCount(settings.dockerHost), settings.registry);
    if (problem !== undefined) throw new pulumi.RunError(problem);
    return undefined;
  }
  const password = config.getSecret('registryPassword');
  if (password !== undefined && settings.registryUser === undefined) {
    throw new pulumi.RunError('registryPassword: set registryUser too, the user it belongs to');
  }
  return {
    registry: {
      server: settings.registry,
      ...(settings.registryUser === undefined ? {} : { username: settings.registryUser }),
      ...(password === undefined ? {} : { password }),
    },
    builder: new docker.Provider(`${name}-builder`, {}),
  };
}

const destination = imageDestination();
const stack =
  settings.target === 'swarm'
    ? new SwarmStack(
        name,
        {
          config: settings,
          keys,
          ...(https === undefined ? {} : { https }),
          databasePassword: config.requireSecret('databasePassword'),
          ...(destination === undefined ? {} : { destination }),
        },
        engine,
      )
    : new ContainersStack(
        name,
        { config: settings, keys, ...(https === undefined ? {} : { https }) },
        engine,
      );

/** Where the API answers: `curl $(pulumi stack output url)hello/`. */
export const url = stack.url;
export const containerNames = stack.containers.map((container) => container.name);
export const serviceNames = stack.services.map((service) => service.name);
