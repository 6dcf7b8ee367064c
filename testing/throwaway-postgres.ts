/**
 * A PostgreSQL server of one's own for a test or a bench: initdb into a temporary folder, a free
 * port on loopback, password authentication, run by an unprivileged user (the `postgres` account
 * when this runs as root: the server refuses root), removed at the end. The system's cluster is
 * never touched. Debian's binaries live in /usr/lib/postgresql/<version>/bin, off the PATH.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from '../tools/network.ts';

const missing =
  'PostgreSQL server programs (initdb, postgres) are missing: run bash tools/setup.sh, or install them (Debian: apt-get install postgresql)';

/** The newest of Debian's installed versions, else whatever initdb is on the PATH. */
function binDir(): string {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((version) => existsSync(join(debian, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(debian, versions[0], 'bin');
  try {
    return execFileSync('sh', ['-c', 'dirname "$(command -v initdb)"'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error(missing);
  }
}

/** Root runs the server as `postgres`; anyone else runs it as themselves. */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(`running as root needs the unprivileged postgres account: ${missing}`);
  }
  return { uid: Number(uid), gid: Number(gid) };
}

export interface ThrowawayPostgres {
  port: number;
  /** A URL of a database of this server, with the superuser's password. */
  url(database?: string): string;
  /** Creates an empty database and answers its URL. */
  createDatabase(name: string): Promise<string>;
  /** How many sessions a program holds, by the application_name it connects with. */
  sessionsOf(applicationName: string): Promise<number>;
  /** Stops the server (fast shutdown: sessions are ended), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and removes everything it had. */
  remove(): Promise<void>;
}

export interface ThrowawayOptions {
  /** PEM certificate and key: the server then also speaks TLS. */
  tls?: { cert: string; key: string };
  /** Settings passed to the server as -c name=value. */
  settings?: Record<string, string>;
}

export async function startThrowawayPostgres(
  options: ThrowawayOptions = {},
): Promise<ThrowawayPostgres> {
  const bin = binDir();
  const account = serverAccount();
  const dir = mkdtempSync(join(tmpdir(), 'prodstack-postgres-'));
  const owned = (path: string) => {
    if (account) chownSync(path, account.uid, account.gid);
  };
  owned(dir);
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const user = 'kit';
  writeFileSync(join(dir, 'password'), password, { mode: 0o600 });
  owned(join(dir, 'password'));
  execFileSync(
    join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      user,
      `--pwfile=${join(dir, 'password')}`,
      '--auth=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ],
    { stdio: 'pipe', ...account },
  );
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    // A throwaway server: durability would only slow the tests.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    ...options.settings,
  };
  if (options.tls) {
    for (const [name, pem] of Object.entries(options.tls)) {
      writeFileSync(join(dir, `server.${name}`), pem, { mode: 0o600 });
      owned(join(dir, `server.${name}`));
    }
    Object.assign(settings, {
      ssl: 'on',
      ssl_cert_file: join(dir, 'server.cert'),
      ssl_key_file: join(dir, 'server.key'),
    });
  }
  const port = await freePort();
  const url = (database = 'postgres') =>
    `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
  let server: ChildProcess | undefined;
  // A test process that ends without remove() leaves neither a server nor its files behind.
  const killOnExit = () => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  async function start(): Promise<void> {
    const args = ['-D', data, '-p', String(port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
    const child = spawn(join(bin, 'postgres'), args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...account,
    });
    server = child;
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // The server does not keep the process that started it alive: it is killed at exit.
    child.unref();
    (child.stderr as unknown as { unref(): void }).unref();
    for (let tries = 0; ; tries++) {
      if (child.exitCode !== null) {
        throw new Error(`the throwaway PostgreSQL server stopped at start:\n${output}`);
      }
      const client = new pg.Client({ connectionString: url() });
      const ready = await client.connect().then(
        () => true,
        () => false,
      );
      await client.end().catch(() => undefined);
      if (ready) return;
      if (tries > 200)
        throw new Error(`the throwaway PostgreSQL server did not answer:\n${output}`);
      await sleep(100);
    }
  }

  async function stop(): Promise<void> {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }

  await start();
  return {
    port,
    url,
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async sessionsOf(applicationName) {
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ count: string }>(
          'SELECT count(*) FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        return Number(rows[0]?.count);
      } finally {
        await admin.end();
      }
    },
    stop,
    start,
    async remove() {
      await stop();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
