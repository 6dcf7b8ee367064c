/**
 * The real Django + DRF + djangorestframework-simplejwt, pinned in requirements.txt and installed
 * by tools/setup.sh into .tools/django-venv, run under gunicorn on a free port over a SQLite file
 * of its own: the reference the API's wire format is tested against, and the Django stack the
 * stack bench compares with.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForOk } from '../../tools/network.ts';
import { projectRoot } from '../../tools/project-root.ts';
import { runToolOrThrow } from '../../tools/run-tool.ts';

const projectDir = join(projectRoot, 'testing', 'django-reference');
const venvBin = join(projectRoot, '.tools', 'django-venv', 'bin');

export interface DjangoReference {
  url: string;
  /** gunicorn's process group: its arbiter and workers. */
  pid: number;
  /** Runs `python manage.py ...` against the reference's database; returns its output. */
  manage(args: string[], env?: NodeJS.ProcessEnv): string;
  /** Creates a user whose password is hashed by the named Django hasher (Django's default if none). */
  createUser(username: string, password: string, hasher?: string): void;
  stop(): Promise<void>;
}

export interface DjangoReferenceOptions {
  /** Django's SECRET_KEY, which simplejwt signs with by default. */
  secretKey: string;
  /** The SQLite file; created and migrated. */
  database: string;
  /** gunicorn's sync workers. */
  workers?: number;
}

function python(): string {
  const path = join(venvBin, 'python');
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: run bash tools/setup.sh, which installs the Django reference`,
    );
  }
  return path;
}

export async function startDjangoReference(
  options: DjangoReferenceOptions,
): Promise<DjangoReference> {
  const env = {
    PATH: process.env.PATH,
    REFERENCE_SECRET_KEY: options.secretKey,
    REFERENCE_DATABASE: options.database,
    PYTHONDONTWRITEBYTECODE: '1',
  };
  const manage = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runToolOrThrow(python(), [join(projectDir, 'manage.py'), ...args], { ...env, ...extra });
  manage(['migrate', '--verbosity', '0']);

  const port = await freePort();
  const gunicorn = spawn(
    join(venvBin, 'gunicorn'),
    [
      '--chdir',
      projectDir,
      '--workers',
      String(options.workers ?? 2),
      '--bind',
      `127.0.0.1:${String(port)}`,
      'reference.wsgi',
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let log = '';
  gunicorn.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    gunicorn.once('exit', () => {
      resolve();
    });
  });
  const url = `http://127.0.0.1:${String(port)}`;
  const stop = async () => {
    if (gunicorn.exitCode !== null || gunicorn.signalCode !== null || !gunicorn.pid) return;
    process.kill(-gunicorn.pid, 'SIGTERM');
    await exited;
  };
  try {
    await waitForOk(`${url}/readyz`, 30_000, () =>
      gunicorn.exitCode === null ? undefined : `gunicorn exited: ${log.trim()}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    pid: gunicorn.pid ?? NaN,
    manage,
    createUser(username, password, hasher) {
      const script = [
        'import os',
        'from django.contrib.auth.hashers import make_password',
        'from django.contrib.auth.models import User',
        'e = os.environ',
        'User.objects.create(username=e["NEW_USERNAME"], password=make_password(e["NEW_PASSWORD"], hasher=e["NEW_HASHER"]))',
      ].join('\n');
      manage(['shell', '--command', script], {
        NEW_USERNAME: username,
        NEW_PASSWORD: password,
        NEW_HASHER: hasher ?? 'default',
      });
    },
    stop,
  };
}
