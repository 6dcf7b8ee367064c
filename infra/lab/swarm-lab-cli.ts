/**
 * npm run swarm-lab -- up [--nodes 3] | status | down | lose N | restart N
 *
 * A Docker Swarm of several nodes on this one machine (infra/lab/swarm-lab.ts), to deploy the
 * Pulumi program's Swarm target on: `up` prints the dockerHost and registry to give it.
 */
import { parseArgs } from 'node:util';
import {
  currentLab,
  LabError,
  labDown,
  labUp,
  loseNode,
  restartNode,
  type Lab,
} from './swarm-lab.ts';
import { labLeftovers, labStatus } from './lab-status.ts';
import { registryPasswordFile } from './lab-registry.ts';

const usage = 'usage: npm run swarm-lab -- up [--nodes N] | status | down | lose N | restart N';

const say = (line: string) => {
  console.log(`swarm-lab: ${line}`);
};

function labOrExit(): Lab {
  const lab = currentLab();
  if (lab === undefined) throw new LabError('no swarm lab is up: npm run swarm-lab -- up');
  return lab;
}

function nodeOf(lab: Lab, raw: string | undefined) {
  const node = lab.nodes.find((candidate) => String(candidate.n) === raw);
  if (node === undefined || node.n === 1) {
    throw new LabError(
      `expected a worker's number, 2 to ${lab.nodes.length}, got ${raw ?? 'none'}`,
    );
  }
  return node;
}

async function printStatus(lab: Lab) {
  const status = await labStatus(lab);
  for (const node of status.nodes) {
    const seen = status.swarm.find((entry) => entry.hostname === node.hostname);
    const swarm = seen === undefined ? node.swarm : `${seen.status} ${seen.availability}`;
    console.log(
      `  ${node.hostname}  ${node.address}  ${node.role}  engine ${node.engine}  ${swarm}`,
    );
  }
  console.log(`  registry ${lab.registry}: ${status.registry}`);
  console.log('deploy on it with:');
  console.log('  pulumi config set target swarm');
  console.log(`  pulumi config set dockerHost ${lab.dockerHost}`);
  console.log(`  pulumi config set registry ${lab.registry}`);
  console.log(`  pulumi config set registryUser ${lab.registryUser}`);
  console.log(`  pulumi config set --secret registryPassword "$(cat ${registryPasswordFile})"`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { nodes: { type: 'string', default: '3' }, help: { type: 'boolean' } },
  });
  const [command, argument] = positionals;
  if (values.help === true) {
    console.log(usage);
    return;
  }
  const started = Date.now();
  switch (command) {
    case 'up': {
      const lab = await labUp({ nodes: Number(values.nodes) }, say);
      say(`${lab.nodes.length} node(s) up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      await printStatus(lab);
      return;
    }
    case 'status':
      await printStatus(labOrExit());
      return;
    case 'down':
      await labDown(say);
      if (labLeftovers().length > 0)
        throw new LabError(`left behind:\n${labLeftovers().join('\n')}`);
      say('removed: no namespace, process, cgroup, mount or folder of the lab is left');
      return;
    case 'lose': {
      const lab = labOrExit();
      const node = nodeOf(lab, argument);
      await loseNode(node);
      say(`${node.hostname} lost: its cable pulled and every process of it killed`);
      return;
    }
    case 'restart': {
      const lab = labOrExit();
      const node = nodeOf(lab, argument);
      await restartNode(node);
      say(`${node.hostname} cabled and its engine started again`);
      return;
    }
    default:
      throw new LabError(usage);
  }
}

main().catch((error: unknown) => {
  if (!(error instanceof LabError)) throw error;
  console.error(`swarm-lab: ${error.message}`);
  process.exitCode = 2;
});
