/**
 * The lab's image registry: Debian's docker-registry (the CNCF distribution) as a plain process
 * on the manager's address, storing on the lab's folder, over TLS with a certificate of its own
 * that Docker trusts through its certs.d folder. Every engine that pushes or pulls (the nodes,
 * and the machine's engine where `pulumi up` builds) then trusts it without a flag or restart.
 * It wants a login, as a registry of one's own does: one user, its password made at `up`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
    'auth:',
    '  htpasswd:',
    '    realm: lab-registry',
    `    path: ${join(folder, 'htpasswd')}`,
    '',
  ].join('\n');

/** The user the lab's registry knows. */
export const registryUser = 'lab';

/** Where `up` keeps the registry user's password, readable by root alone. */
export const registryPasswordFile = join(labRegistry.folder, 'password');

/** The registry user's password, as `up` made it. */
export const registryPassword = () => readFileSync(registryPasswordFile, 'utf8').trim();

/**
 * The htpasswd line the registry checks logins against: a bcrypt hash (the only kind it reads),
 * made by Python's crypt, which reaches the system's libxcrypt.
 */
function htpasswdLine(user: string, password: string): string {
  const hash = execFileSync(
    'python3',
    [
      '-W',
      'ignore',
      '-c',
      'import crypt, sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH)))',
    ],
    { input: password, encoding: 'utf8' },
  ).trim();
  if (!hash.startsWith('$2'))
    throw new Error(`python3's crypt made no bcrypt hash here: "${hash}"`);
  return `${user}:${hash}\n`;
}

export async function startRegistry(): Promise<void> {
  const { folder } = labRegistry;
  const manager = labNode(1);
  mkdirSync(join(folder, 'storage'), { recursive: true });
  makeSelfSignedCertificate(join(folder, 'tls'), 30, {
    name: 'lab-registry',
    ips: [manager.address],
  });
  const password = randomBytes(18).toString('base64url');
  writeFileSync(registryPasswordFile, `${password}\n`, { mode: 0o600 });
  writeFileSync(join(folder, 'htpasswd'), htpasswdLine(registryUser, password));
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

/**
 * The registry's API root answers over TLS, its certificate checked against the lab's CA: 401,
 * asking for the login, or 200.
 */
export function registryUp(): Promise<boolean> {
  const ca = readFileSync(join(labRegistry.trustFolder, 'ca.crt'));
  return new Promise((resolve) => {
    const request = get(`https://${labRegistry.address}/v2/`, { ca, timeout: 2000 }, (reply) => {
      reply.resume();
      resolve(reply.statusCode === 200 || reply.statusCode === 401);
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
