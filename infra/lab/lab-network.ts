/**
 * The lab's wiring: a network namespace a node, each cabled by a veth pair to a bridge that
 * lives in a namespace of its own (the switch), and one more cable from the machine itself, so
 * that the tests and the machine's engine reach every node's address. Nothing is bridged in the
 * machine's own namespace, whose firewall the machine's Docker engine keeps (FORWARD: DROP).
 */
import { existsSync } from 'node:fs';
import { runTool, runToolOrThrow } from '../../tools/run-tool.ts';
import { labPrefix, labSubnet, switchNamespace, uplink, type LabNode } from './lab-layout.ts';

const ip = (...args: string[]) => runToolOrThrow('ip', args);

export const namespaceExists = (name: string) => existsSync(`/run/netns/${name}`);

/** The lab's namespaces found on the machine, whoever made them. */
export const labNamespaces = (): string[] =>
  runTool('ip', ['netns', 'list'])
    .stdout.split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${labPrefix}-`));

/** Why the lab's addresses cannot be used here, if a route of the machine already covers them. */
export function subnetTaken(): string | undefined {
  const routes = runTool('ip', ['-4', 'route', 'show']).stdout;
  const clash = routes.split('\n').find((line) => line.startsWith(`${labSubnet}.`));
  return clash === undefined
    ? undefined
    : `${labSubnet}.0/24 is already routed on this machine (${clash.trim()})`;
}

export function makeSwitch(): void {
  ip('netns', 'add', switchNamespace);
  ip('-n', switchNamespace, 'link', 'set', 'lo', 'up');
  ip('-n', switchNamespace, 'link', 'add', 'switch', 'type', 'bridge');
  ip('-n', switchNamespace, 'link', 'set', 'switch', 'up');
  ip(
    'link',
    'add',
    uplink.link,
    'type',
    'veth',
    'peer',
    'name',
    'uplink',
    'netns',
    switchNamespace,
  );
  ip('-n', switchNamespace, 'link', 'set', 'uplink', 'master', 'switch', 'up');
  ip('addr', 'add', `${uplink.address}/24`, 'dev', uplink.link);
  ip('link', 'set', uplink.link, 'up');
}

export function cableNode(node: LabNode): void {
  ip('netns', 'add', node.namespace);
  ip('-n', node.namespace, 'link', 'set', 'lo', 'up');
  ip(
    'link',
    'add',
    node.port,
    'netns',
    switchNamespace,
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'netns',
    node.namespace,
  );
  ip('-n', switchNamespace, 'link', 'set', node.port, 'master', 'switch', 'up');
  ip('-n', node.namespace, 'addr', 'add', `${node.address}/24`, 'dev', 'eth0');
  ip('-n', node.namespace, 'link', 'set', 'eth0', 'up');
}

/** Pulls the node's cable out of the switch, or plugs it back. */
export function setCable(node: LabNode, plugged: boolean): void {
  ip('-n', switchNamespace, 'link', 'set', node.port, plugged ? 'up' : 'down');
}

/** Deleting a namespace deletes the veth ends inside it, and with them their peers. */
export function removeNetwork(): void {
  for (const name of labNamespaces()) runTool('ip', ['netns', 'delete', name]);
  if (runTool('ip', ['link', 'show', uplink.link]).status === 0) {
    runTool('ip', ['link', 'delete', uplink.link]);
  }
}
