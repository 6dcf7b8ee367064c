/** What the swarm lab needs of the machine, each missing piece said with what to install. */
import { runTool } from '../../tools/run-tool.ts';
import { cgroupsUsable } from './lab-cgroups.ts';

const commandMissing = (command: string) =>
  runTool('sh', ['-c', `command -v ${command}`]).status !== 0;

/** Why the lab cannot run here, each with what to install; empty when it can. */
export function labProblems(): string[] {
  const problems: string[] = [];
  if (process.getuid?.() !== 0)
    problems.push('the swarm lab makes namespaces and cgroups: run it as root');
  const needs: [string, string][] = [
    ['ip', 'iproute2'],
    ['nsenter', 'util-linux'],
    ['unshare', 'util-linux'],
    ['dockerd', 'docker.io'],
    ['docker', 'docker.io'],
    ['docker-registry', 'docker-registry'],
    ['openssl', 'openssl'],
    // The registry's password hash (bcrypt).
    ['python3', 'python3'],
  ];
  for (const [command, debianPackage] of needs) {
    if (commandMissing(command)) {
      problems.push(
        `${command} is missing: install it (Debian: apt-get install ${debianPackage}, or npm run setup)`,
      );
    }
  }
  const cgroups = cgroupsUsable();
  if (cgroups !== undefined)
    problems.push(`${cgroups}: the lab groups each node's processes by cgroup`);
  return problems;
}
