/**
 * One node's Docker engine, started inside the node's network namespace and a mount and UTS
 * namespace of its own, with its own data root, exec root, socket, key and cgroup parent: it
 * shares nothing with the machine's engine or the other nodes but the kernel and the images'
 * registry.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runTool } from '../../tools/run-tool.ts';
import { cgroupProcsFile } from './lab-cgroups.ts';
import type { LabNode } from './lab-layout.ts';

/**
 * Run by sh inside the namespaces before dockerd: joins the node's cgroup, names the node, and
 * mounts a sysfs of the node's network namespace (dockerd reads its links there) while keeping
 * the cgroup tree, which `ip netns exec` would lose ("Devices cgroup isn't mounted").
 */
const enterNode = [
  'set -e',
  'echo $$ > "$1"',
  'hostname "$2"',
  'aside=$(mktemp -d)',
  'mount --rbind /sys/fs/cgroup "$aside"',
  'mount -t sysfs sysfs /sys',
  'mount --move "$aside" /sys/fs/cgroup',
  'rmdir "$aside"',
  'shift 2',
  'exec dockerd "$@"',
].join('\n');

/** Docker's CLI against the node's engine. */
export const nodeDocker = (node: LabNode, args: string[], input?: string) =>
  runTool('docker', ['--host', node.dockerHost, ...args], process.env, input);

/** The same, its output when it succeeds; a failure throws with what docker said. */
export function nodeDockerOrThrow(node: LabNode, args: string[]): string {
  const result = nodeDocker(node, args);
  if (result.status !== 0) {
    throw new Error(`docker ${args.join(' ')} on ${node.hostname}: ${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}

export function startEngine(node: LabNode): void {
  mkdirSync(node.folder, { recursive: true });
  // In 20.10 the engine's identity key can be moved only in a config file, not by a flag.
  const config = join(node.folder, 'daemon.json');
  writeFileSync(config, JSON.stringify({ 'deprecated-key-path': join(node.folder, 'key.json') }));
  const log = openSync(node.log, 'a');
  const dockerd = [
    `--data-root=${join(node.folder, 'data')}`,
    `--exec-root=${join(node.folder, 'exec')}`,
    `--pidfile=${join(node.folder, 'dockerd.pid')}`,
    `--host=${node.dockerHost}`,
    `--config-file=${config}`,
    `--cgroup-parent=/${node.cgroup}/containers`,
    // No default bridge: nothing is built on the nodes, and Swarm's tasks use the overlay.
    '--bridge=none',
    '--log-level=warn',
  ];
  const child = spawn(
    'nsenter',
    [
      `--net=/run/netns/${node.namespace}`,
      'unshare',
      '--mount',
      '--uts',
      '--propagation',
      'slave',
      'sh',
      '-c',
      enterNode,
      'sh',
      cgroupProcsFile(`${node.cgroup}/engine`),
      node.hostname,
      ...dockerd,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
}

/** Resolves once the engine answers, or throws with the end of its log. */
export async function engineReady(node: LabNode, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (nodeDocker(node, ['info', '--format', '{{.ServerVersion}}']).status !== 0) {
    if (Date.now() > deadline) {
      const log = readFileSync(node.log, 'utf8').trim().split('\n').slice(-8).join('\n');
      throw new Error(
        `${node.hostname}'s engine did not answer within ${seconds} s; its log:\n${log}`,
      );
    }
    await sleep(250);
  }
}
