/**
 * The API side by side with the real djangorestframework-simplejwt (testing/django-reference, under
 * gunicorn): the same requests to both, the answers compared; tokens issued by one accepted by
 * the other. The answers differ only where docs/api.md's table of differences says so.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  startDjangoReference,
  type DjangoReference,
} from '../../../testing/django-reference/django-reference.ts';
import { projectRoot } from '../../../tools/project-root.ts';
import { sendRaw, type RawReply } from '../../../testing/raw-request.ts';
import { tempDir } from '../../../testing/temp-dir.ts';
import { WallClock } from '../support/fake-clock.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  password,
  username,
  wireCases,
  type ServerContext,
  type TokenPair,
  type WireCase,
} from './wire-cases.ts';

const sharedKey = 'reference-and-api-share-this-signing-key-0123456789';

/**
 * What is compared of an answer: tokens, different by nature, become placeholders. The whole
 * Content-Type is compared, parameters too: a client may read the charset.
 */
function comparable(reply: RawReply) {
  const contentType = String(reply.headers['content-type'] ?? '');
  const mediaType = contentType.split(';')[0]?.trim() ?? '';
  const jwtPattern = /^[\w-]+\.[\w-]+\.[\w-]*$/;
  let body: unknown = reply.text;
  if (mediaType === 'application/json' && reply.text !== '') {
    body = JSON.parse(reply.text, (_key, value: unknown) =>
      typeof value === 'string' && jwtPattern.test(value) ? '<token>' : value,
    );
  } else if (reply.text !== '') {
    body = `<${mediaType} body>`;
  }
  return {
    status: reply.status,
    contentType,
    wwwAuthenticate: reply.headers['www-authenticate'] ?? null,
    allow: reply.headers.allow ?? null,
    body,
  };
}

/** The case names of the table "Differences from simplejwt" in docs/api.md. */
function documentedDifferences(): Set<string> {
  const page = readFileSync(join(projectRoot, 'docs', 'api.md'), 'utf8');
  const section = page.split(/^## /m).find((part) => part.startsWith('Differences from simplejwt'));
  assert.ok(section, 'docs/api.md has a section "Differences from simplejwt"');
  return new Set([...section.matchAll(/^\| `([^`]+)` +\|/gm)].map((match) => match[1] ?? ''));
}

function serverContext(url: string): ServerContext {
  const post = async (path: string, json: unknown) => {
    const reply = await sendRaw(url, {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json),
    });
    if (reply.status !== 200) throw new Error(`${url}${path}: ${reply.status} ${reply.text}`);
    return JSON.parse(reply.text) as Record<string, string>;
  };
  return {
    login: async () => (await post('/api/token/', { username, password })) as unknown as TokenPair,
    rotate: async (refresh) =>
      (await post('/api/token/refresh/', { refresh })) as unknown as TokenPair,
    postJson: async (path, json) => {
      await sendRaw(url, {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
    },
    blacklist: async (refresh) => {
      await post('/api/token/blacklist/', { refresh });
    },
    forge(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = Object.fromEntries(
        Object.entries({
          token_type: 'access',
          exp: now + 300,
          iat: now,
          jti: 'f'.repeat(32),
          user_id: '1',
          ...claims,
        }).filter(([, value]) => (value as unknown) !== undefined),
      );
      // Signed by hand: jsonwebtoken refuses to sign claims of the wrong type (exp as a string).
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      if (options.unsigned) return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
      const signed = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
      return `${signed}.${createHmac('sha256', sharedKey).update(signed).digest('base64url')}`;
    },
  };
}

describe('the API next to the real simplejwt', () => {
  let django: DjangoReference;
  let api: TestServer;

  before(async () => {
    const dir = tempDir();
    [django, api] = await Promise.all([
      startDjangoReference({ secretKey: sharedKey, database: join(dir, 'django.sqlite3') }),
      startTestServer({ JWT_SIGNING_KEY: sharedKey }, { clock: new WallClock() }),
    ]);
    django.createUser(username, password);
    await api.createUser(username, password);
  });
  after(async () => {
    await Promise.all([django.stop(), api.stop()]);
  });

  it('answers every request as simplejwt does, except the documented differences', async () => {
    const differences = new Map<string, { simplejwt: unknown; api: unknown }>();
    const ask = async (url: string, build: WireCase['request']) =>
      comparable(await sendRaw(url, await build(serverContext(url))));
    for (const wireCase of wireCases) {
      const [theirs, ours] = await Promise.all([
        ask(django.url, wireCase.request),
        ask(api.url, wireCase.request),
      ]);
      try {
        assert.deepEqual(ours, theirs);
      } catch {
        differences.set(wireCase.name, { simplejwt: theirs, api: ours });
      }
    }
    const documented = documentedDifferences();
    const undocumented = [...differences].filter(([name]) => !documented.has(name));
    const gone = [...documented].filter((name) => !differences.has(name));
    assert.deepEqual(
      { undocumented: Object.fromEntries(undocumented), documentedButAlike: gone },
      { undocumented: {}, documentedButAlike: [] },
    );
  });

  it('accepts the tokens simplejwt issued with the same key, and issues tokens it accepts', async () => {
    const theirs = await serverContext(django.url).login();
    const ours = await serverContext(api.url).login();
    const hello = (url: string, token: string) =>
      sendRaw(url, {
        method: 'GET',
        path: '/hello/',
        headers: { authorization: `Bearer ${token}` },
      });
    assert.equal((await hello(api.url, theirs.access)).status, 200);
    assert.equal((await hello(django.url, ours.access)).status, 200);
    const refreshed = await serverContext(api.url).rotate(theirs.refresh);
    assert.equal((await hello(django.url, refreshed.access)).status, 200);
    const refreshedThere = await serverContext(django.url).rotate(ours.refresh);
    assert.equal((await hello(api.url, refreshedThere.access)).status, 200);
  });
});
