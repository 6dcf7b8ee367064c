/**
 * `npm run bench:tls`: what reading the TLS pair at every handshake costs nginx, the way the
 * deployed targets serve it (so that a renewal needs no reload: nginx/http/tls-pair.conf),
 * against the pair loaded once at start, as the host stack does. Two nginx instances rendered
 * from nginx/ with one worker each take turns under `openssl s_time -new`: full handshakes one
 * after another, no session resumed (a resumed session loads no certificate, which is why wrk,
 * which resumes, cannot tell the two apart). BENCH_ROUNDS (5) rounds of BENCH_SECONDS (5) with
 * BENCH_CLIENTS (2) s_time processes at once; medians printed.
 */
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderNginxConfig, type NginxValues } from '../../nginx/src/render-nginx-config.ts';
import { nginxPathsUnder, startNginx, stopNginx } from '../../nginx/src/nginx-server.ts';
import { median } from '../../testing/median.ts';
import { tempDir } from '../../testing/temp-dir.ts';
import { makeSelfSignedCertificate } from '../../tools/self-signed-certificate.ts';
import { freePort } from '../../tools/network.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const clients = Number(process.env.BENCH_CLIENTS ?? 2);

/** Full handshakes a second that one s_time process made against `port`. */
function handshakes(port: number): Promise<number> {
  const args = ['s_time', '-connect', `127.0.0.1:${port}`, '-new', '-time', String(seconds)];
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const match = /(\d+) connections in (\d+) real seconds/.exec(out);
      if (!match) reject(new Error(`openssl s_time said: ${out.trim()}`));
      else resolve(Number(match[1]) / Number(match[2]));
    });
  });
}

// One pair for both; readable by nginx's workers, which run as nobody when nginx runs as root.
const pairDir = tempDir();
chmodSync(pairDir, 0o755);
makeSelfSignedCertificate(pairDir);
const pairFile = join(pairDir, 'tls.pem');
const pem = (name: string) => readFileSync(join(pairDir, name), 'utf8');
writeFileSync(pairFile, `${pem('cert.pem')}${pem('key.pem')}`, { mode: 0o644 });
for (const name of ['cert.pem', 'key.pem']) chmodSync(join(pairDir, name), 0o644);

async function startServer(tls: NginxValues['tls'] & object, plainPort: number) {
  const paths = nginxPathsUnder(tempDir());
  renderNginxConfig(
    {
      listen: `127.0.0.1:${plainPort}`,
      upstreams: ['127.0.0.1:9'],
      runDir: paths.run,
      logDir: paths.logDir,
      tempDir: paths.temp,
      limits: { login: { rate: '1r/s', burst: 5 }, refresh: { rate: '10r/s', burst: 20 } },
      workerProcesses: 1,
      tls,
    },
    paths.conf,
  );
  await startNginx(paths);
  return paths;
}

const ports = await Promise.all([1, 2, 3, 4].map(() => freePort()));
const servers = [
  { name: 'pair loaded at start', port: ports[1] ?? 0, tls: { dir: pairDir } },
  { name: 'pair read each handshake', port: ports[3] ?? 0, tls: { pairFile } },
];
const started = await Promise.all(
  servers.map((server, i) =>
    startServer({ listen: `127.0.0.1:${server.port}`, ...server.tls }, ports[i * 2] ?? 0),
  ),
);
try {
  const results = servers.map(() => [] as number[]);
  for (let round = 1; round <= rounds; round += 1) {
    for (const [i, server] of servers.entries()) {
      const each = await Promise.all(
        Array.from({ length: clients }, () => handshakes(server.port)),
      );
      const rate = each.reduce((sum, value) => sum + value, 0);
      results[i]?.push(rate);
      process.stdout.write(`round ${round}: ${server.name}: ${rate.toFixed(0)} handshakes/s\n`);
    }
  }
  const medians = results.map((runs) => median(runs));
  servers.forEach((server, i) => {
    process.stdout.write(`${server.name}: median ${medians[i]?.toFixed(0)} handshakes/s\n`);
  });
  const ratio = (medians[1] ?? 0) / (medians[0] ?? 1);
  process.stdout.write(`read each handshake / loaded at start: ${ratio.toFixed(2)}\n`);
} finally {
  await Promise.all(started.map((paths) => stopNginx(paths)));
}
