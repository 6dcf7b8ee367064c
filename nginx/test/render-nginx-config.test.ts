import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../testing/temp-dir.ts';
import { httpsGet, selfSignedPair, type TlsPair } from '../../testing/tls-pairs.ts';
import { freePort } from '../../tools/network.ts';
import { nginxBinary, nginxPathsUnder, startNginx, stopNginx } from '../src/nginx-server.ts';
import { renderNginxConfig, type NginxValues } from '../src/render-nginx-config.ts';
import { makeSelfSignedCertificate } from '../../tools/self-signed-certificate.ts';

function render(overrides: Partial<NginxValues> = {}) {
  const dir = tempDir();
  for (const sub of ['run', 'tmp', 'log']) mkdirSync(join(dir, sub));
  const values: NginxValues = {
    listen: '127.0.0.1:18080',
    upstreams: ['127.0.0.1:13000'],
    runDir: join(dir, 'run'),
    logDir: join(dir, 'log'),
    tempDir: join(dir, 'tmp'),
    limits: { login: { rate: '1r/s', burst: 5 }, refresh: { rate: '10r/s', burst: 20 } },
    workerProcesses: 1,
    ...overrides,
  };
  renderNginxConfig(values, join(dir, 'conf'));
  return { dir, conf: join(dir, 'conf') };
}

/** `nginx -t` on a rendered folder: exit status and what nginx said. */
function nginxTest(dir: string) {
  const args = [
    '-p',
    `${dir}/`,
    '-c',
    join(dir, 'conf', 'nginx.conf'),
    '-e',
    join(dir, 'log', 'error.log'),
    '-t',
  ];
  const result = spawnSync(nginxBinary(), args, { encoding: 'utf8' });
  return { status: result.status, output: result.stderr };
}

const allFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(join(dir, e.name)) : [join(dir, e.name)],
  );

describe('the rendered nginx config', () => {
  it('passes nginx -t for the host stack', () => {
    const { dir } = render();
    const result = nginxTest(dir);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /syntax is ok/);
  });

  it('points the host stack at the single port every pm2 worker shares, with keep-alive', () => {
    const { conf } = render();
    const upstream = readFileSync(join(conf, 'http', 'upstream.conf'), 'utf8');
    assert.match(upstream, /upstream api \{\n\s+server 127\.0\.0\.1:13000;\n/);
    assert.match(upstream, /keepalive 32;/);
  });

  it('passes nginx -t with several app addresses, as the containers have', () => {
    const { dir, conf } = render({ upstreams: ['127.0.0.2:3000', '127.0.0.3:3000'] });
    assert.equal(nginxTest(dir).status, 0);
    const upstream = readFileSync(join(conf, 'http', 'upstream.conf'), 'utf8');
    assert.doesNotMatch(upstream, /backup/);
  });

  it("passes nginx -t following a Swarm service's tasks: looked up per request, not at start", () => {
    const { dir, conf } = render({ upstreams: ['tasks.app:3000'], resolver: '127.0.0.11' });
    const result = nginxTest(dir);
    assert.equal(result.status, 0, result.output);
    assert.ok(
      !existsSync(join(conf, 'http', 'upstream.conf')),
      'an upstream block resolves at start',
    );
    assert.match(
      readFileSync(join(conf, 'http', 'resolver.conf'), 'utf8'),
      /^resolver 127\.0\.0\.11 valid=2s ipv6=off;$/m,
    );
    assert.match(
      readFileSync(join(conf, 'server', 'proxy-to-app.conf'), 'utf8'),
      /^set \$app_upstream http:\/\/tasks\.app:3000;\nproxy_pass \$app_upstream;$/m,
    );
  });

  it('passes nginx -t with the TLS server, which alone sends HSTS', () => {
    const tls = tempDir();
    makeSelfSignedCertificate(tls, 1);
    const { dir, conf } = render({ tls: { listen: '127.0.0.1:18443', dir: tls } });
    const result = nginxTest(dir);
    assert.equal(result.status, 0, result.output);
    assert.match(
      readFileSync(join(conf, 'sites', 'api-tls.conf'), 'utf8'),
      /Strict-Transport-Security/,
    );
    assert.doesNotMatch(
      readFileSync(join(conf, 'sites', 'api.conf'), 'utf8'),
      /Strict-Transport-Security/,
    );
    assert.match(
      readFileSync(join(conf, 'sites', 'api-tls.conf'), 'utf8'),
      /ssl_protocols TLSv1\.2 TLSv1\.3;/,
    );
  });

  it('serves the pair file it is given from the next handshake on, no reload, and redirects plain HTTP there', async (context) => {
    const [plainPort, tlsPort] = [await freePort(), await freePort()];
    // Read by nginx's workers at each handshake: as root, nginx runs them as nobody.
    const pairDir = tempDir();
    chmodSync(pairDir, 0o755);
    const pairFile = join(pairDir, 'tls.pem');
    const install = ({ certificate, key }: TlsPair) => {
      writeFileSync(`${pairFile}.new`, `${certificate}${key}`, { mode: 0o644 });
      renameSync(`${pairFile}.new`, pairFile);
    };
    const [first, next] = [selfSignedPair(), selfSignedPair()];
    install(first);
    const { dir } = render({
      listen: `127.0.0.1:${plainPort}`,
      tls: { listen: `127.0.0.1:${tlsPort}`, pairFile, redirectPort: tlsPort },
    });
    const paths = nginxPathsUnder(dir);
    await startNginx(paths);
    context.after(() => stopNginx(paths));

    const redirect = await fetch(`http://127.0.0.1:${plainPort}/api/token/?next=1`, {
      method: 'POST',
      redirect: 'manual',
    });
    assert.equal(redirect.status, 308);
    assert.equal(
      redirect.headers.get('location'),
      `https://127.0.0.1:${tlsPort}/api/token/?next=1`,
    );
    assert.equal((await fetch(`http://127.0.0.1:${plainPort}/nginx_status`)).status, 200);

    const status = `https://127.0.0.1:${tlsPort}/nginx_status`;
    const served = await httpsGet(status, [first.certificate]);
    assert.equal(served.status, 200);
    install(next);
    const renewed = await httpsGet(status, [next.certificate]);
    assert.equal(
      renewed.certificate.fingerprint256,
      new X509Certificate(next.certificate).fingerprint256,
    );
  });

  it('leaves the TLS server out unless asked', () => {
    const { conf } = render();
    assert.deepEqual(readdirSync(join(conf, 'sites')), ['api.conf']);
  });

  it('copies the .conf files only, not the Dockerfile beside them', () => {
    const { conf } = render();
    assert.ok(allFiles(conf).every((file) => file.endsWith('.conf')));
  });

  it('fills in every placeholder', () => {
    const { conf } = render();
    for (const file of allFiles(conf))
      assert.doesNotMatch(readFileSync(file, 'utf8'), /\{\{/, file);
  });

  it('sets headers only at server level, where no location can drop them', () => {
    const { conf } = render();
    for (const file of allFiles(conf)) {
      const text = readFileSync(file, 'utf8').replace(/#.*$/gm, '');
      for (const block of text.match(/location[^{]*\{[^}]*\}/g) ?? []) {
        assert.doesNotMatch(block, /add_header/, `${file}: ${block}`);
      }
    }
  });

  it('lets nginx_status be read from loopback, and from the address nginx listens on when given one', () => {
    const status = (conf: string) =>
      /location = \/nginx_status \{[^}]*\}/.exec(
        readFileSync(join(conf, 'server', 'status.conf'), 'utf8'),
      )?.[0] ?? '';
    assert.doesNotMatch(status(render().conf), /allow 192/);
    const onLan = status(render({ statusClients: ['192.168.1.20'] }).conf);
    assert.match(
      onLan,
      /allow 127\.0\.0\.1;\n\s+allow ::1;\n\s+allow 192\.168\.1\.20;\n\s+deny all;/,
    );
  });

  it('never retries non-idempotent requests', () => {
    const { conf } = render();
    const proxy = readFileSync(join(conf, 'server', 'proxy-to-app.conf'), 'utf8').replace(
      /#.*$/gm,
      '',
    );
    assert.match(proxy, /proxy_next_upstream error timeout http_502 http_503;/);
    assert.doesNotMatch(proxy, /non_idempotent/);
  });
});
