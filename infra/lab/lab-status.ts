/** Where a lab stands, and what of one is left on the machine. */
import { existsSync, readFileSync } from 'node:fs';
import { cgroupsLeft, pidsInGroup } from './lab-cgroups.ts';
import { nodeDocker, nodeDockerOrThrow } from './lab-engine.ts';
import { labFolder, labPrefix, labRegistry } from './lab-layout.ts';
import { labNamespaces } from './lab-network.ts';
import { registryUp } from './lab-registry.ts';
import type { Lab } from './swarm-lab.ts';

/** The nodes as the manager sees them: hostname, status and availability. */
export function swarmNodes(lab: Lab): { hostname: string; status: string; availability: string }[] {
  return nodeDockerOrThrow(lab.manager, [
    'node',
    'ls',
    '--format',
    '{{.Hostname}} {{.Status}} {{.Availability}}',
  ])
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [hostname = '', status = '', availability = ''] = line.split(' ');
      return { hostname, status, availability };
    });
}

/** The mount points of the lab left in this mount namespace: its folders', its namespaces'. */
export const labMounts = (): string[] =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter(
      (mountPoint) =>
        mountPoint.startsWith(`${labFolder}/`) || mountPoint.startsWith(`/run/netns/${labPrefix}-`),
    );

/** What of a lab is on the machine, by name: empty once `down` has run. */
export function labLeftovers(): string[] {
  return [
    ...labNamespaces().map((name) => `network namespace ${name}`),
    ...pidsInGroup(labPrefix).map((pid) => `process ${pid}`),
    ...(cgroupsLeft() ? [`cgroup /${labPrefix}`] : []),
    ...labMounts().map((mountPoint) => `mount ${mountPoint}`),
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
