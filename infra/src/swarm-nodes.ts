/**
 * How many nodes the swarm behind the stack's engine has, asked of that engine with the docker
 * CLI when `pulumi up` runs: the one fact that decides whether images built on one node's engine
 * can run at all. The provider has no function that tells it.
 */
import { spawnSync } from 'node:child_process';

/** Undefined when the engine cannot be asked (no docker CLI here, or no answer): `up` goes on. */
export function swarmNodeCount(dockerHost: string | undefined): number | undefined {
  const env = dockerHost === undefined ? process.env : { ...process.env, DOCKER_HOST: dockerHost };
  const asked = spawnSync('docker', ['info', '--format', '{{.Swarm.Nodes}}'], {
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (asked.error !== undefined || asked.status !== 0) return undefined;
  const nodes = Number(asked.stdout.trim());
  return Number.isInteger(nodes) ? nodes : undefined;
}

/** Why the stack cannot run on this swarm as configured, in one line; undefined when it can. */
export function registryProblem(nodes: number | undefined, registry: string | undefined) {
  if (registry !== undefined || nodes === undefined || nodes <= 1) return undefined;
  return `the swarm has ${nodes} nodes and no registry is set: images built on one node's engine cannot run on the others; pulumi config set registry <host:port> (infra/README.md, "More than one node")`;
}
