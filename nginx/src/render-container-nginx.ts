/**
 * Renders nginx/ for the nginx container; nginx/Dockerfile runs it at build time. The same
 * files as the host stack, with the app containers' network aliases as the upstream servers:
 *   NGINX_UPSTREAMS=app-1,app-2 node nginx/src/render-container-nginx.ts <out-dir>
 * With NGINX_RESOLVER (127.0.0.11, Docker's DNS, as both Pulumi targets use it) the one upstream
 * name, such as `app` or `tasks.app`, is looked up as requests come instead of once at start. NGINX_STATUS_CLIENTS
 * (addresses or CIDR ranges, comma-separated) may read /nginx_status besides loopback: the app's
 * tasks, which export nginx's counters with their metrics.
 * NGINX_PORT, APP_PORT and the NGINX_LOGIN_* and NGINX_REFRESH_* limits are nginx's settings
 * (nginx-settings.ts). With NGINX_TLS_PORT nginx serves TLS there too, with the pair a keeper
 * writes to `containerNginxPaths.tlsPair`; NGINX_REDIRECT_PORT, the port clients reach that
 * server on, then sends plain HTTP requests there.
 */
import {
  ConfigError,
  integerFrom,
  optional,
  readSettings,
  runInFrame,
} from '../../settings/index.ts';
import { limitsOf, renderNginxConfig } from './render-nginx-config.ts';
import { readNginxSettings } from './nginx-settings.ts';

/** Where the image keeps what nginx writes: /tmp is a tmpfs, the rest of the root read-only. */
export const containerNginxPaths = {
  runDir: '/tmp',
  tempDir: '/tmp',
  /** Holds access.log and error.log, links to the container's stdout and stderr. */
  logDir: '/var/log/prodstack',
  /** The TLS pair, chain then key, in a volume the keeper writes (nginx/tls-keeper.sh). */
  tlsPair: '/var/lib/prodstack-tls/tls.pem',
};

/** A comma-separated list, blanks and the spaces around each entry dropped. */
const commaList = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

export function parseStatusClients(raw: string | undefined): string[] {
  const clients = commaList(raw);
  const bad = clients.filter((client) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(client));
  if (bad.length > 0) {
    throw new ConfigError([
      `NGINX_STATUS_CLIENTS: expected addresses or CIDR ranges, comma-separated, got "${bad.join(', ')}"`,
    ]);
  }
  return clients;
}

export function parseUpstreamHosts(raw: string | undefined): string[] {
  const hosts = commaList(raw);
  const bad = hosts.filter((host) => !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(host));
  if (hosts.length === 0 || bad.length > 0) {
    throw new ConfigError([
      `NGINX_UPSTREAMS: expected the app containers' host names, comma-separated, got "${raw ?? ''}"`,
    ]);
  }
  return hosts;
}

/** The image's own setting beside nginx's, read the same way. */
const containerSchema = {
  redirectPort: optional({
    env: 'NGINX_REDIRECT_PORT',
    doc: 'With NGINX_TLS_PORT: the port clients reach TLS on, where plain HTTP is then redirected.',
    parse: integerFrom(1, 65535),
  }),
};

if (import.meta.main) {
  const [outDir] = process.argv.slice(2);
  if (!outDir) {
    process.stderr.write('usage: render-container-nginx.ts <out-dir>\n');
    process.exit(2);
  }
  await runInFrame(
    {
      prefix: 'configuration error: ',
      exitCodeOf: (error) => (error instanceof ConfigError ? 1 : undefined),
    },
    () => {
      const settings = readNginxSettings();
      const hosts = parseUpstreamHosts(process.env.NGINX_UPSTREAMS);
      const resolver = process.env.NGINX_RESOLVER?.trim() || undefined;
      if (resolver !== undefined && hosts.length !== 1) {
        throw new ConfigError(['NGINX_RESOLVER: resolves one upstream name, got several']);
      }
      const tlsPort = settings.nginxTlsPort;
      const problems: string[] = [];
      const { redirectPort } = readSettings(containerSchema, process.env, 'production', problems);
      if (problems.length > 0) throw new ConfigError(problems);
      if (redirectPort !== undefined && tlsPort === undefined) {
        throw new ConfigError(['NGINX_REDIRECT_PORT: redirects to TLS, set NGINX_TLS_PORT too']);
      }
      renderNginxConfig(
        {
          ...containerNginxPaths,
          listen: String(settings.nginxPort),
          ...(tlsPort === undefined
            ? {}
            : {
                tls: {
                  listen: String(tlsPort),
                  pairFile: containerNginxPaths.tlsPair,
                  ...(redirectPort === undefined ? {} : { redirectPort }),
                },
              }),
          upstreams: hosts.map((host) => `${host}:${settings.appPort}`),
          ...(resolver === undefined ? {} : { resolver }),
          statusClients: parseStatusClients(process.env.NGINX_STATUS_CLIENTS),
          limits: limitsOf(settings),
          // The container is nginx's alone: a worker per core it is given.
          workerProcesses: 'auto',
        },
        outDir,
      );
      process.stdout.write(`nginx config for upstreams ${hosts.join(', ')} in ${outDir}\n`);
    },
  );
}
