/** Where a lab stands, and what of one is left on the machine. */
import { existsSync, readFileSync } from 'node:fs';
import { cgroupsLeft, pidsInGroup } from './lab-cgroups.ts';
import { nodeDocker } from './lab-engine.ts';
import { labFolder, labPrefix, labRegistry } from './lab-layout.ts';
import { labNamespaces } from './lab-network.ts';
import { registryUp } from './lab-registry.ts';
import { swarmNodes, type Lab } from './swarm-lab.ts';

/** What of a lab is on the machine, by name: empty once `down` has run. */
export function labLeftovers(): string[] {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(`${labFolder}/`) || line.includes(`/netns/${labPrefix}-`));
  return [
    ...labNamespaces().map((name) => `network namespace ${name}`),
    ...pidsInGroup(labPrefix).map((pid) => `process ${pid}`),
    ...(cgroupsLeft() ? [`cgroup /${labPrefix}`] : []),
    ...mounts.map((line) => `mount ${line.split(' ')[4] ?? line}`),
    ...(existsSync(labFolder) ? [`folder ${labFolder}`] : []),
    ...(existsSync(labRegistry.trustFolder) ? [`folder ${labRegistry.trustFolder}`] : []),
  ];
}

/** Where the lab stands: each node's engine and swarm state, and the registry. */
export async function labStatus(lab: Lab) {
  const answering = lab.nodes.map((node) =>
    nodeDocker(node, ['info', '--format', '{{.Swarm.LocalNodeState}}']),
  );
  return {
    nodes: lab.nodes.map((node, i) => ({
      hostname: node.hostname,
      address: node.address,
      role: node.n === 1 ? 'manager' : 'worker',
      engine: answering[i]?.status === 0 ? 'answering' : 'not answering',
      swarm: answering[i]?.stdout.trim() ?? '',
    })),
    swarm: answering[0]?.status === 0 ? swarmNodes(lab) : [],
    registry: (await registryUp()) ? 'answering' : 'not answering',
  };
}
