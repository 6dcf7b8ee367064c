// The Pulumi program: the production stack as Docker containers on one engine, or as Docker
// Swarm services (`pulumi config set target swarm`).
// Settings: infra/src/stack-config.ts, or `pulumi config` on a stack (infra/README.md).
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../settings/index.ts';
import { declareProductionStack } from './src/production-stack.ts';
import { declareSwarmStack } from './src/swarm-stack.ts';
import { readStackConfig, signingKeyProblems, type StackConfig } from './src/stack-config.ts';

const config = new pulumi.Config();
let settings: StackConfig;
try {
  settings = readStackConfig((key) => config.get(key));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  throw new pulumi.RunError(`bad stack configuration:\n  ${error.problems.join('\n  ')}`);
}
const signingKey = config.requireSecret('jwtSigningKey');
// Checked before any resource is declared: a key the app would refuse stops `pulumi up` with the
// app's own one line, instead of a failed container or a serialization error.
const keyProblems = signingKeyProblems(config.require('jwtSigningKey'), settings.jwtAlgorithm);
if (keyProblems.length > 0) throw new pulumi.RunError(keyProblems.join('\n'));

const name = `${pulumi.getProject()}-${pulumi.getStack()}`;
const stack =
  settings.target === 'swarm'
    ? declareSwarmStack(name, settings, {
        signingKey,
        databasePassword: config.requireSecret('databasePassword'),
      })
    : declareProductionStack(name, settings, signingKey);

/** Where the API answers: `curl $(pulumi stack output url)hello/`. */
export const url = stack.url;
export const containerNames = stack.containers.map((container) => container.name);
export const serviceNames = stack.services.map((service) => service.name);
