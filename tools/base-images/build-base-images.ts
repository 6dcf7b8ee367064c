/**
 * `npm run base-images`: builds local stand-ins for the public base images the Dockerfiles and
 * the Swarm stack name (node:24-bookworm-slim, nginx:stable-bookworm, postgres:15-bookworm), for
 * a Docker engine that cannot pull: Debian from its package mirror (debootstrap), the Node 24
 * binary this project already runs on, npm, and Debian's nginx and PostgreSQL from their
 * registries. Images already built are kept; `--rebuild` redoes them; `--quiet` says nothing
 * when there is nothing to build. Users whose engine reaches Docker Hub never need this.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../project-root.ts';
import { runTool, runToolOrThrow } from '../run-tool.ts';
import { localBaseImages } from './local-base-images.ts';
import { docker, imageExists, requireEngine } from '../docker.ts';
import { runShowingProgress } from '../show-progress.ts';
import { runInFrame } from '../../settings/index.ts';

/** npm for the node image: the release line Node 24 ships with. */
const npmVersion = '11.19.1';
const hostCertificates = process.env.SSL_CERT_FILE ?? '/etc/ssl/certs/ca-certificates.crt';
const debianMirror = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const dockerfiles = join(projectRoot, 'tools', 'base-images');

const say = (line: string) => process.stderr.write(`base-images: ${line}\n`);

async function buildDebian(tag: string): Promise<void> {
  if (runTool('sh', ['-c', 'command -v debootstrap']).status !== 0) {
    throw new Error(`building ${tag} needs debootstrap: apt-get install debootstrap`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      `building ${tag} needs root (debootstrap): run this as root, or pull a registry's images instead`,
    );
  }
  const rootfs = mkdtempSync(join(tmpdir(), 'prodstack-debian-'));
  try {
    say(`${tag}: debootstrap --variant=minbase bookworm from ${debianMirror} (about a minute)`);
    await runShowingProgress(
      'debootstrap',
      ['--variant=minbase', 'bookworm', rootfs, debianMirror],
      {
        prefix: '  debootstrap:',
        // Its per-package lines (`I: Extracting bash...`, `I: Retrieving bash 5.2`) run to hundreds;
        // the stage lines between them say enough.
        hide: (line) =>
          /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) [a-z0-9][\w.+:-]*( \d\S*|\.\.\.)$/.test(
            line,
          ),
      },
    );
    // The package cache and lists are what an image never needs; the public slim image drops them too.
    for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
      runToolOrThrow('find', [join(rootfs, dir), '-type', 'f', '-delete']);
    }
    say(`${tag}: docker import`);
    const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await runShowingProgress('docker', ['import', '-', tag], {
      prefix: '  import:',
      input: tar.stdout,
    });
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

async function buildNode(tag: string, debian: string): Promise<void> {
  if (!process.version.startsWith('v24.')) {
    throw new Error(
      `the node image takes the running Node binary, which is ${process.version}, not 24: run through npm`,
    );
  }
  const context = mkdtempSync(join(tmpdir(), 'prodstack-node-image-'));
  try {
    say(`${tag}: node ${process.version} and npm ${npmVersion} on ${debian}`);
    copyFileSync(process.execPath, join(context, 'node'));
    if (!existsSync(hostCertificates)) {
      throw new Error(
        `${hostCertificates} is missing: install ca-certificates, or set SSL_CERT_FILE to this host's CA bundle`,
      );
    }
    copyFileSync(hostCertificates, join(context, 'ca-certificates.crt'));
    const packed = runToolOrThrow('npm', [
      'pack',
      `npm@${npmVersion}`,
      '--pack-destination',
      context,
      '--silent',
    ]);
    copyFileSync(join(context, packed.trim()), join(context, 'npm.tgz'));
    await runShowingProgress(
      'docker',
      [
        'build',
        '--force-rm',
        '-f',
        join(dockerfiles, 'node.Dockerfile'),
        '--build-arg',
        `DEBIAN_BASE=${debian}`,
        '-t',
        tag,
        context,
      ],
      { prefix: '  build:' },
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** An image of Debian's packages on the local Debian: nginx, PostgreSQL. */
async function buildFromDebian(tag: string, debian: string, dockerfile: string): Promise<void> {
  say(`${tag}: ${dockerfile} on ${debian}`);
  await runShowingProgress(
    'docker',
    [
      'build',
      '--force-rm',
      '-f',
      join(dockerfiles, dockerfile),
      '--build-arg',
      `DEBIAN_BASE=${debian}`,
      '-t',
      tag,
      dockerfiles,
    ],
    { prefix: '  build:' },
  );
}

async function main(): Promise<void> {
  const rebuild = process.argv.includes('--rebuild');
  const quiet = process.argv.includes('--quiet');
  requireEngine();
  const { debian, node, nginx, postgres } = localBaseImages;
  const steps: [string, () => Promise<void>][] = [
    [debian, () => buildDebian(debian)],
    [node, () => buildNode(node, debian)],
    [nginx, () => buildFromDebian(nginx, debian, 'nginx.Dockerfile')],
    [postgres, () => buildFromDebian(postgres, debian, 'postgres.Dockerfile')],
  ];
  let built = 0;
  for (const [tag, build] of steps) {
    if (!rebuild && imageExists(tag)) continue;
    built += 1;
    const started = Date.now();
    await build();
    say(`${tag}: built in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  if (quiet && built === 0) return;
  const sizes = docker([
    'image',
    'ls',
    '--format',
    '{{.Repository}}:{{.Tag}} {{.Size}}',
    '--filter',
    'reference=prodstack-local/*',
  ]);
  say(`ready:\n${sizes.trim().replace(/^/gm, '  ')}`);
}

await runInFrame({ prefix: 'base-images: ', exitCodeOf: () => 1 }, main);
