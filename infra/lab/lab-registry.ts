/**
 * The lab's image registry: Debian's docker-registry (the CNCF distribution) as a plain process
 * on the manager's address, storing on the lab's folder, over TLS with a certificate of its own
 * that Docker trusts through its certs.d folder. Every engine that pushes or pulls (the nodes,
 * and the machine's engine where `pulumi up` builds) then trusts it without a flag or restart.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeSelfSignedCertificate } from '../../tools/self-signed-certificate.ts';
import { cgroupProcsFile } from './lab-cgroups.ts';
import { labNode, labRegistry } from './lab-layout.ts';

const registryConfig = (folder: string) =>
  [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(folder, 'storage')}`,
    'http:',
    `  addr: ${labRegistry.address}`,
    '  tls:',
    `    certificate: ${join(folder, 'tls', 'cert.pem')}`,
    `    key: ${join(folder, 'tls', 'key.pem')}`,
    '',
  ].join('\n');

export async function startRegistry(): Promise<void> {
  const { folder } = labRegistry;
  const manager = labNode(1);
  mkdirSync(join(folder, 'storage'), { recursive: true });
  makeSelfSignedCertificate(join(folder, 'tls'), 30, {
    name: 'lab-registry',
    ips: [manager.address],
  });
  writeFileSync(join(folder, 'config.yml'), registryConfig(folder));
  mkdirSync(labRegistry.trustFolder, { recursive: true });
  copyFileSync(join(folder, 'tls', 'cert.pem'), join(labRegistry.trustFolder, 'ca.crt'));
  const log = openSync(join(folder, 'registry.log'), 'a');
  const joinGroup = 'echo $$ > "$1" && shift && exec docker-registry serve "$1"';
  spawn(
    'nsenter',
    [
      `--net=/run/netns/${manager.namespace}`,
      'sh',
      '-c',
      joinGroup,
      'sh',
      cgroupProcsFile(labRegistry.cgroup),
      join(folder, 'config.yml'),
    ],
    { detached: true, stdio: ['ignore', log, log] },
  ).unref();
  await registryAnswers(15);
}

/** The registry's API root answers 200 over TLS, its certificate checked against the lab's CA. */
export function registryUp(): Promise<boolean> {
  const ca = readFileSync(join(labRegistry.trustFolder, 'ca.crt'));
  return new Promise((resolve) => {
    const request = get(`https://${labRegistry.address}/v2/`, { ca, timeout: 2000 }, (reply) => {
      reply.resume();
      resolve(reply.statusCode === 200);
    });
    request.on('error', () => {
      resolve(false);
    });
    request.on('timeout', () => {
      request.destroy();
    });
  });
}

async function registryAnswers(seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await registryUp())) {
    if (Date.now() > deadline) {
      throw new Error(
        `the lab's registry did not answer within ${seconds} s: see ${join(labRegistry.folder, 'registry.log')}`,
      );
    }
    await sleep(250);
  }
}

export function removeRegistryTrust(): void {
  rmSync(labRegistry.trustFolder, { recursive: true, force: true });
}
