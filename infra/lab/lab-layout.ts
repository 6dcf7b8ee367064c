/**
 * Where everything of the swarm lab lives, by name: its network namespaces, addresses, cgroups
 * and folders. Fixed names, so that `down` finds and removes all of it without a record of what
 * `up` made, also after the lab itself crashed halfway.
 */
import { join } from 'node:path';
import { projectRoot } from '../../tools/project-root.ts';

/** The prefix of every namespace, link and cgroup the lab makes. */
export const labPrefix = 'pslab';

/** The lab's own network: one /24 no other network of this machine uses (checked at `up`). */
export const labSubnet = '10.203.0';

export const labFolder = join(projectRoot, 'var', 'swarm-lab');

/** The namespace holding the bridge every node is plugged into, like a switch. */
export const switchNamespace = `${labPrefix}-switch`;

/** The machine's own port on the switch: the tests and the machine's engine reach the lab by it. */
export const uplink = { link: `${labPrefix}-uplink`, address: `${labSubnet}.254` };

export const maxNodes = 9;

/** Node `n` (from 1; node 1 is the manager). */
export function labNode(n: number) {
  const folder = join(labFolder, `node-${n}`);
  return {
    n,
    hostname: `lab-${n}`,
    namespace: `${labPrefix}-node-${n}`,
    /** Its end of the cable, in the switch's namespace. */
    port: `${labPrefix}-port-${n}`,
    address: `${labSubnet}.${n}`,
    folder,
    socket: join(folder, 'docker.sock'),
    dockerHost: `unix://${join(folder, 'docker.sock')}`,
    log: join(folder, 'dockerd.log'),
    /** Its engine and every container of it: one cgroup, so a node can die all at once. */
    cgroup: `${labPrefix}/lab-${n}`,
  };
}

export type LabNode = ReturnType<typeof labNode>;

/** The registry every node pulls from: a process on the manager's address, over TLS. */
export const labRegistry = {
  address: `${labSubnet}.1:5000`,
  folder: join(labFolder, 'registry'),
  cgroup: `${labPrefix}/registry`,
  /** Docker trusts a registry's CA found here, read on every pull and push, no restart needed. */
  trustFolder: `/etc/docker/certs.d/${labSubnet}.1:5000`,
};
