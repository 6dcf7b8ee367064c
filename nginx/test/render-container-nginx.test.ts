import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runScript } from '../../testing/run-script.ts';
import { tempDir } from '../../testing/temp-dir.ts';
import { parseStatusClients, parseUpstreamHosts } from '../src/render-container-nginx.ts';

const renderer = join(import.meta.dirname, '..', 'src', 'render-container-nginx.ts');

describe('parseUpstreamHosts', () => {
  it('reads comma-separated host names, ignoring blanks', () => {
    assert.deepEqual(parseUpstreamHosts('app-1, app-2,'), ['app-1', 'app-2']);
  });

  it('refuses no host, or anything that is not a host name', () => {
    assert.throws(() => parseUpstreamHosts(''), /NGINX_UPSTREAMS/);
    assert.throws(() => parseUpstreamHosts('app-1;evil'), /NGINX_UPSTREAMS/);
  });
});

describe('parseStatusClients', () => {
  it('reads addresses and CIDR ranges, and none at all', () => {
    assert.deepEqual(parseStatusClients('10.0.0.0/8, 172.16.0.0/12'), [
      '10.0.0.0/8',
      '172.16.0.0/12',
    ]);
    assert.deepEqual(parseStatusClients(undefined), []);
  });

  it('refuses a host name or anything that could end the directive', () => {
    assert.throws(() => parseStatusClients('app-1'), /NGINX_STATUS_CLIENTS: .*"app-1"/);
    assert.throws(() => parseStatusClients('10.0.0.1; allow all'), /NGINX_STATUS_CLIENTS/);
  });
});

describe('render-container-nginx', () => {
  it('renders an upstream per app container alias, listening on the port the image exposes', async () => {
    const out = join(tempDir(), 'conf');
    const result = await runScript(renderer, [out], {
      env: { NGINX_UPSTREAMS: 'app-1,app-2', NGINX_PORT: '8080' },
    });
    assert.equal(result.code, 0, result.stderr);
    const upstream = readFileSync(join(out, 'http', 'upstream.conf'), 'utf8');
    assert.match(upstream, /server app-1:3000 max_fails=1 fail_timeout=5s;\n\s+server app-2:3000 /);
    assert.match(
      readFileSync(join(out, 'sites', 'api.conf'), 'utf8'),
      /listen 8080 default_server;/,
    );
    assert.match(readFileSync(join(out, 'nginx.conf'), 'utf8'), /pid \/tmp\/nginx\.pid;/);
  });

  it('lets the status clients it is given read nginx_status, after loopback', async () => {
    const out = join(tempDir(), 'conf');
    const result = await runScript(renderer, [out], {
      env: { NGINX_UPSTREAMS: 'app-1', NGINX_STATUS_CLIENTS: '10.0.0.0/8' },
    });
    assert.equal(result.code, 0, result.stderr);
    const locations = readFileSync(join(out, 'server', 'status.conf'), 'utf8');
    assert.match(locations, /allow ::1;\n\s+allow 10\.0\.0\.0\/8;\n\s+deny all;/);
  });

  it('stops with a configuration error when no upstream is given', async () => {
    const result = await runScript(renderer, [join(tempDir(), 'conf')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^configuration error: NGINX_UPSTREAMS: /);
  });
});
