/**
 * The lab's processes grouped by cgroup, one group a node (its dockerd, containerd, shims and
 * every container's processes) and one for the registry: what lets a test kill a node the way a
 * machine dies, every process of it at once, and lets `down` find each process it ever started.
 * On cgroup v1 the freezer hierarchy groups them (freeze, kill, thaw); on v2 the unified tree
 * with its cgroup.kill.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { labPrefix } from './lab-layout.ts';

const cgroupRoot = '/sys/fs/cgroup';
const freezerRoot = join(cgroupRoot, 'freezer');
const unified = !existsSync(freezerRoot) && existsSync(join(cgroupRoot, 'cgroup.controllers'));

/** Where a group's processes are listed: the freezer's tree on v1, the unified tree on v2. */
const groupFolder = (group: string) => join(unified ? cgroupRoot : freezerRoot, group);

export function cgroupsUsable(): string | undefined {
  if (unified || existsSync(freezerRoot)) return undefined;
  return `neither cgroup v1's freezer (${freezerRoot}) nor cgroup v2 is mounted`;
}

/** Makes the group; a process whose pid is written to the returned file joins it. */
export function cgroupProcsFile(group: string): string {
  mkdirSync(groupFolder(group), { recursive: true });
  return join(groupFolder(group), 'cgroup.procs');
}

function pidsUnder(folder: string): number[] {
  if (!existsSync(folder)) return [];
  const own = readFileSync(join(folder, 'cgroup.procs'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
  const children = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => pidsUnder(join(folder, entry.name)));
  return [...own, ...children];
}

/** Every process in the group and the groups beneath it. */
export const pidsInGroup = (group: string) => pidsUnder(groupFolder(group));

/** SIGKILL to every process of the group at once: none of them sees the others go first. */
export async function killGroup(group: string): Promise<void> {
  const folder = groupFolder(group);
  if (!existsSync(folder)) return;
  if (unified) {
    writeFileSync(join(folder, 'cgroup.kill'), '1');
  } else {
    writeFileSync(join(folder, 'freezer.state'), 'FROZEN');
    for (const pid of pidsUnder(folder)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    writeFileSync(join(folder, 'freezer.state'), 'THAWED');
  }
  const deadline = Date.now() + 10_000;
  while (pidsUnder(folder).length > 0 && Date.now() < deadline) await sleep(100);
}

/** Every hierarchy's root: Docker makes a node's cgroups in each of them on v1. */
const hierarchies = () =>
  unified ? [cgroupRoot] : readdirSync(cgroupRoot).map((hierarchy) => join(cgroupRoot, hierarchy));

/** Whether any hierarchy still holds the lab's cgroup. */
export const cgroupsLeft = () => hierarchies().some((root) => existsSync(join(root, labPrefix)));

/** Removes the lab's cgroups from every hierarchy (Docker made some in each), deepest first. */
export function removeCgroups(): void {
  const removeTree = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) removeTree(join(folder, entry.name));
    }
    rmdirSync(folder);
  };
  for (const root of hierarchies()) {
    const folder = join(root, labPrefix);
    if (existsSync(folder)) removeTree(folder);
  }
}
