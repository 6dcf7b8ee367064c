/**
 * A Docker Swarm of several nodes on this one machine: each node a Docker engine in network,
 * mount and UTS namespaces of its own, cabled to a switch namespace, node 1 the manager, and a
 * registry on the manager's address that every engine trusts. It never touches the machine's
 * own engine, and `down` removes all of it by name, also what a crashed `up` left.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killGroup, removeCgroups } from './lab-cgroups.ts';
import { labProblems } from './lab-requirements.ts';
import { engineReady, nodeDocker, nodeDockerOrThrow, startEngine } from './lab-engine.ts';
import { labMounts, swarmNodes } from './lab-status.ts';
import {
  labFolder,
  labNode,
  labPrefix,
  labRegistry,
  maxNodes,
  type LabNode,
} from './lab-layout.ts';
import {
  cableNode,
  labNamespaces,
  makeSwitch,
  removeNetwork,
  setCable,
  subnetTaken,
} from './lab-network.ts';
import {
  registryPassword,
  registryUser,
  removeRegistryTrust,
  startRegistry,
} from './lab-registry.ts';

/** A lab the machine cannot hold, or one that is already up: one line each. */
export class LabError extends Error {}

/** What the Pulumi program is given to deploy on the lab. */
export interface Lab {
  nodes: LabNode[];
  manager: LabNode;
  /** The manager's engine: the program's `dockerHost`. */
  dockerHost: string;
  /** The program's `registry`, `registryUser`, and its `registryPassword` secret. */
  registry: string;
  registryUser: string;
  registryPassword: () => string;
}

const labRecord = join(labFolder, 'lab.json');

const labOf = (count: number): Lab => {
  const nodes = Array.from({ length: count }, (_, i) => labNode(i + 1));
  const manager = nodes[0] ?? labNode(1);
  return {
    nodes,
    manager,
    dockerHost: manager.dockerHost,
    registry: labRegistry.address,
    registryUser,
    registryPassword,
  };
};

/** The lab that is up, from its record; undefined when there is none. */
export function currentLab(): Lab | undefined {
  if (!existsSync(labRecord)) return undefined;
  const { nodes } = JSON.parse(readFileSync(labRecord, 'utf8')) as { nodes: number };
  return labOf(nodes);
}

async function allReady(lab: Lab, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const nodes = swarmNodes(lab);
    if (nodes.length === lab.nodes.length && nodes.every((node) => node.status === 'Ready')) return;
    if (Date.now() > deadline)
      throw new Error(`not every node is Ready after ${seconds} s: ${JSON.stringify(nodes)}`);
    await sleep(250);
  }
}

export async function labUp(
  { nodes: count = 3 }: { nodes?: number } = {},
  say: (line: string) => void = () => {},
): Promise<Lab> {
  const problems = labProblems();
  if (!Number.isInteger(count) || count < 1 || count > maxNodes) {
    problems.push(`--nodes must be a whole number from 1 to ${maxNodes}, got ${count}`);
  }
  if (problems.length > 0) throw new LabError(problems.join('\n'));
  if (labNamespaces().length > 0 || existsSync(labFolder)) {
    throw new LabError(
      `a swarm lab is up already, or a crashed one left ${labFolder}: run npm run swarm-lab -- down first`,
    );
  }
  const taken = subnetTaken();
  if (taken !== undefined) throw new LabError(`${taken}: the lab cannot use it`);
  const lab = labOf(count);
  try {
    say(`cabling ${count} node(s) to a switch namespace`);
    makeSwitch();
    for (const node of lab.nodes) cableNode(node);
    say(`starting ${count} Docker engine(s)`);
    for (const node of lab.nodes) startEngine(node);
    await Promise.all(lab.nodes.map((node) => engineReady(node)));
    say(`starting the registry on ${lab.registry}`);
    await startRegistry();
    say('forming the swarm');
    nodeDockerOrThrow(lab.manager, [
      'swarm',
      'init',
      `--advertise-addr=${lab.manager.address}`,
      `--listen-addr=${lab.manager.address}:2377`,
      // Overlay networks named without a subnet come from here, away from the lab's own /24.
      '--default-addr-pool=10.210.0.0/16',
    ]);
    const token = nodeDockerOrThrow(lab.manager, ['swarm', 'join-token', '--quiet', 'worker']);
    for (const worker of lab.nodes.slice(1)) {
      const joined = nodeDocker(worker, [
        'swarm',
        'join',
        `--token=${token}`,
        `--advertise-addr=${worker.address}`,
        `${lab.manager.address}:2377`,
      ]);
      if (joined.status !== 0)
        throw new Error(`${worker.hostname} could not join: ${joined.stderr.trim()}`);
    }
    await allReady(lab, 30);
    writeFileSync(labRecord, JSON.stringify({ nodes: count }));
    return lab;
  } catch (error) {
    await labDown();
    throw error;
  }
}

/** Removes everything a lab made, found by name; safe to run when there is none. */
export async function labDown(say: (line: string) => void = () => {}): Promise<void> {
  say('stopping every process of the lab at once');
  await killGroup(labPrefix);
  removeCgroups();
  removeNetwork();
  removeRegistryTrust();
  // The engines' mounts lived in their own mount namespaces, gone with their processes.
  const leftMounts = labMounts();
  if (leftMounts.length > 0)
    throw new Error(`mounts of the lab are left:\n${leftMounts.join('\n')}`);
  rmSync(labFolder, { recursive: true, force: true });
}

/** A node lost the way a machine dies: its cable pulled, then every process of it killed at once. */
export async function loseNode(node: LabNode): Promise<void> {
  setCable(node, false);
  await killGroup(node.cgroup);
}

/** A lost node powered on again: cabled, its engine started on the data it had. */
export async function restartNode(node: LabNode): Promise<void> {
  setCable(node, true);
  startEngine(node);
  await engineReady(node);
}
