import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** Sends raw bytes, for requests fetch refuses to make. */
function rawRequest(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('bad input gets a JSON error, never a 500', () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer();
  });
  after(() => api.stop());

  it('answers malformed JSON with 400', async () => {
    const reply = await api.post('/api/token/', undefined, {
      body: '{"username": ',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(reply.status, 400);
    assert.match(String(reply.json.detail), /^JSON parse error - /);
  });

  it('answers a JSON body that is not an object with DRF’s message', async () => {
    const reply = await api.post('/api/token/', ['alice', 'pw']);
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json, {
      non_field_errors: ['Invalid data. Expected a dictionary, but got list.'],
    });
  });

  it('answers a body over the limit with 413', async () => {
    const reply = await api.post('/api/token/', {
      username: 'a'.repeat(17 * 1024),
      password: 'pw',
    });
    assert.equal(reply.status, 413);
    assert.deepEqual(reply.json, { detail: 'Request body is too large.' });
  });

  it('answers another media type with 415', async () => {
    const reply = await api.post('/api/token/', undefined, {
      body: 'username=alice',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(reply.status, 415);
    assert.deepEqual(reply.json, { detail: 'Unsupported media type "text/plain" in request.' });
  });

  it('answers oversized headers with 431 and JSON', async () => {
    const reply = await rawRequest(`${api.url}/hello/`, { 'x-filler': 'x'.repeat(20 * 1024) });
    assert.equal(reply.status, 431);
    assert.deepEqual(JSON.parse(reply.body), { detail: 'Request header fields are too large.' });
  });

  it('answers an unknown path with 404 and an unsupported method with 405', async () => {
    const missing = await api.get('/nothing-here');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { detail: 'Not found.' });
    const wrongMethod = await api.get('/api/token/');
    assert.equal(wrongMethod.status, 405);
    assert.deepEqual(wrongMethod.json, { detail: 'Method "GET" not allowed.' });
    assert.equal(wrongMethod.headers.get('allow'), 'POST, OPTIONS');
  });

  for (const encoding of ['gzip', 'br', 'deflate']) {
    it(`answers a body that is not valid ${encoding} with 400, not 500`, async () => {
      const reply = await api.post('/api/token/verify/', undefined, {
        body: 'garbage',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      });
      assert.equal(reply.status, 400);
      assert.match(String(reply.json.detail), /^Malformed request\. /);
    });
  }

  it('answers a form with more than 1000 fields with 400, not 500', async () => {
    const fields = Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&');
    const reply = await api.post('/api/token/', undefined, {
      body: fields,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json, {
      detail: 'Malformed request. The form has more than 1000 fields.',
    });
  });

  it('matches paths case-sensitively, as Django does: another spelling is a 404', async () => {
    for (const path of ['/HELLO/', '/API/TOKEN/', '/Api/Token/Refresh/', '/HEALTHZ']) {
      const reply = await api.post(path, { username: 'a', password: 'b' });
      assert.equal(reply.status, 404, path);
      assert.deepEqual(reply.json, { detail: 'Not found.' });
    }
  });

  it('cuts off a client that never finishes its body after REQUEST_TIMEOUT, not Node’s 300 s', async () => {
    const slow = await startTestServer({ REQUEST_TIMEOUT: '1s' });
    try {
      const { port } = new URL(slow.url);
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.write(
        'POST /api/token/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username":',
      );
      const started = Date.now();
      await once(socket, 'close');
      assert.ok(Date.now() - started < 5000, `held for ${Date.now() - started} ms`);
      assert.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
      assert.match(answer, /Content-Type: application\/json\r\n/);
      assert.deepEqual(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)), {
        detail: 'Request timed out: the whole request did not arrive in time.',
      });
    } finally {
      await slow.stop();
    }
  });

  it('closes a connection that sends nothing after REQUEST_TIMEOUT, even when the client keeps its side open', async () => {
    const slow = await startTestServer({ REQUEST_TIMEOUT: '1s' });
    try {
      const { port } = new URL(slow.url);
      const socket = connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true });
      socket.on('data', () => undefined);
      await once(socket, 'end');
      // A server that only ended its side still reads: the write is taken. One that closed the
      // connection answers it with a reset.
      const reset = new Promise<string>((resolve) => {
        socket.on('error', (error: NodeJS.ErrnoException) => {
          resolve(error.code ?? 'error');
        });
        socket.on('close', () => {
          resolve('closed');
        });
      });
      const poke = setInterval(() => socket.write('x'), 100);
      const outcome = await Promise.race([reset, sleep(3000).then(() => 'still open')]);
      clearInterval(poke);
      socket.destroy();
      assert.notEqual(outcome, 'still open');
    } finally {
      await slow.stop();
    }
  });

  it('says nothing about the framework', async () => {
    const reply = await api.get('/healthz');
    assert.equal(reply.headers.get('x-powered-by'), null);
  });
});
