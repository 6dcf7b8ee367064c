/**
 * Renders nginx/ into a folder nginx can run from: every .conf file copied, every {{name}} replaced.
 * The host stack and the container image render the same files with different values. A
 * placeholder without a value, or a value nothing uses, is an error, not a silent blank.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export interface NginxValues {
  /** `host:port` or a port, for the plain HTTP server. */
  listen: string;
  /** The app's addresses, `host:port` each. */
  upstreams: string[];
  /**
   * A DNS server: the one upstream name is then looked up while nginx runs, every request, and
   * not once at start (Swarm's `tasks.<service>`, whose addresses change with every task).
   */
  resolver?: string;
  runDir: string;
  logDir: string;
  tempDir: string;
  /** Per client address, from nginx-settings.ts. */
  limits: {
    login: { rate: string; burst: number };
    refresh: { rate: string; burst: number };
  };
  /** How many worker processes: a number, or auto for one per core. */
  workerProcesses: number | 'auto';
  /** The user nginx's workers run as, when its master runs as root; unset: nginx's default. */
  workerUser?: string;
  /** Addresses of this machine besides loopback that may read nginx_status. */
  statusClients?: string[];
  /**
   * Sent to the app with every request (X-Proxy-Secret): its X-Forwarded-For is then believed
   * from nginx alone, not from any process that reaches the app's port.
   */
  proxySecret?: string;
  /**
   * Present to render the TLS server as well: its pair as `cert.pem` and `key.pem` in `dir`
   * (the host stack's), or as one file of chain and key read at every handshake (`pairFile`,
   * the deployed targets', which a renewal replaces under nginx). With `redirectPort`, the
   * port clients reach it on, the plain server redirects every request there (308) but
   * nginx_status (`443` left out of the URL); unset, the plain server serves the API too.
   */
  tls?: { listen: string; redirectPort?: number } & ({ dir: string } | { pairFile: string });
}

/** nginx/: the .conf files beside this folder. */
const sourceDir = resolve(import.meta.dirname, '..');

/**
 * One address (the host stack's pm2 cluster, whose workers share the port), or several (the
 * containers). With a single server nginx retries a request whose cached keep-alive connection
 * turns out dead (a worker was killed) on the same server, once per dead connection; a new
 * connection then reaches a live worker. Idempotent requests only (server/proxy-to-app.conf).
 */
function upstreamServers(upstreams: string[]): string {
  if (upstreams.length === 1) return `  server ${upstreams[0] ?? ''};`;
  return upstreams.map((address) => `  server ${address} max_fails=1 fail_timeout=5s;`).join('\n');
}

/**
 * nginx 1.22 resolves an `upstream` block's names once, at start; a variable in proxy_pass is
 * resolved at request time through `resolver`, among every address the name has, with
 * proxy_next_upstream moving to the next. The price: no keep-alive pool to the app.
 */
function proxyTarget(values: NginxValues): string {
  if (values.resolver === undefined) return 'proxy_pass http://api;';
  return `set $app_upstream http://${values.upstreams[0] ?? ''};\nproxy_pass $app_upstream;`;
}

function placeholders(values: NginxValues): Record<string, string> {
  const resolved = values.resolver !== undefined;
  return {
    listen: values.listen,
    ...(resolved ? {} : { upstream_servers: upstreamServers(values.upstreams) }),
    proxy_target: proxyTarget(values),
    proxy_secret:
      values.proxySecret === undefined
        ? ''
        : `\nproxy_set_header X-Proxy-Secret "${values.proxySecret}";`,
    resolver: resolved ? `resolver ${values.resolver ?? ''} valid=2s ipv6=off;` : '',
    run_dir: values.runDir,
    log_dir: values.logDir,
    temp_dir: values.tempDir,
    worker_processes: String(values.workerProcesses),
    user: values.workerUser === undefined ? '' : `user ${values.workerUser};\n`,
    status_allow: (values.statusClients ?? []).map((address) => `\n  allow ${address};`).join(''),
    login_rate: values.limits.login.rate,
    login_burst: String(values.limits.login.burst),
    refresh_rate: values.limits.refresh.rate,
    refresh_burst: String(values.limits.refresh.burst),
    ...tlsPlaceholders(values),
  };
}

/** The TLS server's placeholders, and the redirect's, when they are rendered. */
function tlsPlaceholders({ tls }: NginxValues): Record<string, string> {
  if (tls === undefined) return { tls_pair_map: '' };
  const files =
    'dir' in tls
      ? { tls_certificate: `${tls.dir}/cert.pem`, tls_key: `${tls.dir}/key.pem`, tls_pair_map: '' }
      : {
          tls_certificate: '$tls_pair',
          tls_key: '$tls_pair',
          tls_pair_map: `map $server_port $tls_pair {\n  default ${tls.pairFile};\n}`,
        };
  return {
    tls_listen: tls.listen,
    ...files,
    ...(tls.redirectPort === undefined
      ? {}
      : { redirect_port: tls.redirectPort === 443 ? '' : `:${tls.redirectPort}` }),
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** The per-address limits of a settings object read with nginx-settings.ts. */
export const limitsOf = (settings: {
  loginRate: string;
  loginBurst: number;
  refreshRate: string;
  refreshBurst: number;
}): NginxValues['limits'] => ({
  login: { rate: settings.loginRate, burst: settings.loginBurst },
  refresh: { rate: settings.refreshRate, burst: settings.refreshBurst },
});

export function renderNginxConfig(values: NginxValues, outDir: string): void {
  const vars = placeholders(values);
  // Redirecting, the plain server is the one in sites-redirect/.
  const redirecting = values.tls?.redirectPort !== undefined;
  const used = new Set<string>();
  rmSync(outDir, { recursive: true, force: true });
  for (const file of filesUnder(sourceDir).filter((name) => name.endsWith('.conf'))) {
    let target = relative(sourceDir, file);
    // A resolved upstream is named in proxy_pass itself: the block would resolve it at start.
    if (target === 'http/upstream.conf' && values.resolver !== undefined) continue;
    if (target.startsWith('sites-tls/')) {
      if (!values.tls) continue;
      target = target.replace(/^sites-tls\//, 'sites/');
    }
    if (target === 'sites/api.conf' && redirecting) continue;
    if (target.startsWith('sites-redirect/')) {
      if (!redirecting) continue;
      target = target.replace(/^sites-redirect\//, 'sites/');
    }
    const text = readFileSync(file, 'utf8').replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
      const value = vars[name];
      if (value === undefined)
        throw new Error(`nginx/${relative(sourceDir, file)}: no value for {{${name}}}`);
      used.add(name);
      return value;
    });
    mkdirSync(join(outDir, target, '..'), { recursive: true });
    writeFileSync(join(outDir, target), text);
  }
  const unused = Object.keys(vars).filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`nginx/ has no {{${unused.join('}}, {{')}}}`);
}
