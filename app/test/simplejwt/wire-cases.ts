/**
 * The requests sent alike to the real simplejwt and to this API. Each case builds its request
 * from the server it goes to (its own tokens), and is named: a case whose answers differ must be
 * a row of the table in docs/api.md, under that name.
 */
import { randomUUID } from 'node:crypto';
import type { RawRequest } from '../../../testing/raw-request.ts';

export interface TokenPair {
  access: string;
  refresh: string;
}

export interface ServerContext {
  /** Logs the test user in on this server. */
  login(): Promise<TokenPair>;
  /** A token signed with the key both servers share (or not at all), these claims over sound ones. */
  forge(claims: Record<string, unknown>, options?: { unsigned?: boolean }): string;
  /** Spends a refresh token on this server, as a client would before the case reuses it. */
  rotate(refresh: string): Promise<TokenPair>;
  /** Sends a JSON POST for what it does to the server, whatever the answer. */
  postJson(path: string, json: unknown): Promise<void>;
  blacklist(refresh: string): Promise<void>;
}

export interface WireCase {
  name: string;
  request: (server: ServerContext) => RawRequest | Promise<RawRequest>;
}

export const username = 'alice';
export const password = 'alice-password-1';

const jsonBody = (value: unknown, headers: Record<string, string | string[]> = {}) => ({
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});
const formBody = (text: string) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: text,
});
function multipartBody(fields: Record<string, string>) {
  const boundary = `----case${randomUUID()}`;
  const parts = Object.entries(fields).map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: `${parts.join('')}--${boundary}--\r\n`,
  };
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const post = (
  path: string,
  body: { headers: Record<string, string | string[]>; body: string },
) => ({
  method: 'POST',
  path,
  ...body,
});
const credentials = { username, password };
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;
/** A refresh token a case spends must be new to both servers' blacklists. */
const freshJti = () => randomUUID().replaceAll('-', '');

const loginCases: WireCase[] = [
  { name: 'login', request: () => post('/api/token/', jsonBody(credentials)) },
  {
    name: 'login with a form',
    request: () => post('/api/token/', formBody(`username=${username}&password=${password}`)),
  },
  { name: 'login with multipart', request: () => post('/api/token/', multipartBody(credentials)) },
  {
    name: 'login with a wrong password',
    request: () => post('/api/token/', jsonBody({ username, password: 'wrong' })),
  },
  {
    name: 'login of an unknown user',
    request: () => post('/api/token/', jsonBody({ username: 'nobody', password })),
  },
  { name: 'login without fields', request: () => post('/api/token/', jsonBody({})) },
  {
    name: 'login without a password',
    request: () => post('/api/token/', jsonBody({ username })),
  },
  {
    name: 'login with blank fields',
    request: () => post('/api/token/', jsonBody({ username: '', password: '' })),
  },
  {
    name: 'login with a number for a username',
    request: () => post('/api/token/', jsonBody({ username: 12, password })),
  },
  {
    name: 'login with a list for a username',
    request: () => post('/api/token/', jsonBody({ username: ['a'], password })),
  },
  { name: 'login with a JSON null body', request: () => post('/api/token/', jsonBody(null)) },
  { name: 'login with a JSON list body', request: () => post('/api/token/', jsonBody([])) },
  {
    name: 'login with malformed JSON',
    request: () => ({
      method: 'POST',
      path: '/api/token/',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    }),
  },
  {
    name: 'login with spaces around the fields',
    request: () =>
      post('/api/token/', jsonBody({ username: ` ${username} `, password: ` ${password}\t` })),
  },
  {
    name: 'login after ten failures for the account',
    request: async (s) => {
      for (let i = 0; i < 10; i += 1) {
        await s.postJson('/api/token/', { username: 'mallory', password: 'guess' });
      }
      return post('/api/token/', jsonBody({ username: 'mallory', password: 'guess' }));
    },
  },
  {
    name: 'login with a repeated form field',
    request: () =>
      post('/api/token/', formBody(`username=x&username=${username}&password=${password}`)),
  },
  {
    name: 'login with a NUL character',
    request: () => post('/api/token/', jsonBody({ username: 'ali\u0000ce', password })),
  },
  {
    name: 'login with a lone surrogate',
    request: () => ({
      method: 'POST',
      path: '/api/token/',
      headers: { 'content-type': 'application/json' },
      body: `{"username":"\\ud800","password":"${password}"}`,
    }),
  },
  {
    name: 'login accepting only XML',
    request: () => post('/api/token/', jsonBody(credentials, { accept: 'application/xml' })),
  },
  {
    name: 'login accepting any JSON',
    request: () => post('/api/token/', jsonBody(credentials, { accept: 'application/*' })),
  },
  {
    name: 'login with a text body',
    request: () => ({
      method: 'POST',
      path: '/api/token/',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    }),
  },
  {
    name: 'login with a bad bearer token',
    request: () => post('/api/token/', jsonBody(credentials, bearer('not-a-token'))),
  },
  { name: 'GET on the login', request: () => ({ method: 'GET', path: '/api/token/' }) },
  {
    name: 'PUT on the login',
    request: () => ({ method: 'PUT', path: '/api/token/', ...jsonBody(credentials) }),
  },
  { name: 'OPTIONS on the login', request: () => ({ method: 'OPTIONS', path: '/api/token/' }) },
  {
    name: 'login with a byte-order mark',
    request: () => ({
      ...post('/api/token/', jsonBody(credentials)),
      body: `\ufeff${JSON.stringify(credentials)}`,
    }),
  },
  {
    name: 'login with a JSON:API media type',
    request: () =>
      post('/api/token/', jsonBody(credentials, { 'content-type': 'application/vnd.api+json' })),
  },
  {
    name: 'login with a body over 16 KB',
    request: () => post('/api/token/', jsonBody({ username, password: 'x'.repeat(20_000) })),
  },
  {
    name: 'login with a chunked body',
    request: () => post('/api/token/', jsonBody(credentials, { 'transfer-encoding': 'chunked' })),
  },
];

const refreshCases: WireCase[] = [
  {
    name: 'refresh',
    request: async (s) =>
      post('/api/token/refresh/', jsonBody({ refresh: (await s.login()).refresh })),
  },
  {
    name: 'refresh with a form',
    request: async (s) =>
      post('/api/token/refresh/', formBody(`refresh=${(await s.login()).refresh}`)),
  },
  {
    name: 'refresh with a rotated token',
    request: async (s) => {
      const { refresh } = await s.login();
      await s.rotate(refresh);
      return post('/api/token/refresh/', jsonBody({ refresh }));
    },
  },
  {
    name: 'refresh with the child of a reused token',
    request: async (s) => {
      const { refresh } = await s.login();
      const child = await s.rotate(refresh);
      await s.postJson('/api/token/refresh/', { refresh });
      return post('/api/token/refresh/', jsonBody({ refresh: child.refresh }));
    },
  },
  {
    name: 'refresh with an access token',
    request: async (s) =>
      post('/api/token/refresh/', jsonBody({ refresh: (await s.login()).access })),
  },
  {
    name: 'refresh with garbage',
    request: () => post('/api/token/refresh/', jsonBody({ refresh: 'garbage' })),
  },
  { name: 'refresh without a token', request: () => post('/api/token/refresh/', jsonBody({})) },
  {
    name: 'refresh with an expired token',
    request: (s) =>
      post(
        '/api/token/refresh/',
        jsonBody({ refresh: s.forge({ token_type: 'refresh', exp: inAMinute() - 120 }) }),
      ),
  },
  {
    name: 'refresh with a token without user_id',
    request: (s) =>
      post(
        '/api/token/refresh/',
        jsonBody({
          refresh: s.forge({ token_type: 'refresh', user_id: undefined, jti: freshJti() }),
        }),
      ),
  },
  {
    name: 'refresh for a user that does not exist',
    request: (s) =>
      post(
        '/api/token/refresh/',
        jsonBody({ refresh: s.forge({ token_type: 'refresh', user_id: '999', jti: freshJti() }) }),
      ),
  },
  {
    name: 'refresh with a token without jti',
    request: (s) =>
      post(
        '/api/token/refresh/',
        jsonBody({ refresh: s.forge({ token_type: 'refresh', jti: undefined }) }),
      ),
  },
  { name: 'GET on refresh', request: () => ({ method: 'GET', path: '/api/token/refresh/' }) },
  {
    name: 'OPTIONS on refresh',
    request: () => ({ method: 'OPTIONS', path: '/api/token/refresh/' }),
  },
];

const verifyCases: WireCase[] = [
  {
    name: 'verify an access token',
    request: async (s) => post('/api/token/verify/', jsonBody({ token: (await s.login()).access })),
  },
  {
    name: 'verify a refresh token',
    request: async (s) =>
      post('/api/token/verify/', jsonBody({ token: (await s.login()).refresh })),
  },
  {
    name: 'verify garbage',
    request: () => post('/api/token/verify/', jsonBody({ token: 'garbage' })),
  },
  {
    name: 'verify a blacklisted token',
    request: async (s) => {
      const { refresh } = await s.login();
      await s.blacklist(refresh);
      return post('/api/token/verify/', jsonBody({ token: refresh }));
    },
  },
  { name: 'verify without a token', request: () => post('/api/token/verify/', jsonBody({})) },
  {
    name: 'OPTIONS on verify',
    request: () => ({ method: 'OPTIONS', path: '/api/token/verify/' }),
  },
];

const blacklistCases: WireCase[] = [
  {
    name: 'blacklist',
    request: async (s) =>
      post('/api/token/blacklist/', jsonBody({ refresh: (await s.login()).refresh })),
  },
  {
    name: 'blacklist twice',
    request: async (s) => {
      const { refresh } = await s.login();
      await s.blacklist(refresh);
      return post('/api/token/blacklist/', jsonBody({ refresh }));
    },
  },
  {
    name: 'blacklist an access token',
    request: async (s) =>
      post('/api/token/blacklist/', jsonBody({ refresh: (await s.login()).access })),
  },
  {
    name: 'blacklist without a token',
    request: () => post('/api/token/blacklist/', jsonBody({})),
  },
  {
    name: 'OPTIONS on blacklist',
    request: () => ({ method: 'OPTIONS', path: '/api/token/blacklist/' }),
  },
];

const hello = (headers: Record<string, string | string[]> = {}, method = 'GET') => ({
  method,
  path: '/hello/',
  headers,
});

const helloCases: WireCase[] = [
  { name: 'hello', request: async (s) => hello(bearer((await s.login()).access)) },
  { name: 'hello without credentials', request: () => hello() },
  {
    name: 'hello with a refresh token',
    request: async (s) => hello(bearer((await s.login()).refresh)),
  },
  { name: 'hello with garbage', request: () => hello(bearer('garbage')) },
  { name: 'hello with a bare Bearer', request: () => hello({ authorization: 'Bearer' }) },
  { name: 'hello with three words', request: () => hello({ authorization: 'Bearer a b' }) },
  { name: 'hello with Basic', request: () => hello({ authorization: 'Basic YTpi' }) },
  {
    name: 'hello with a lower-case bearer',
    request: async (s) => hello({ authorization: `bearer ${(await s.login()).access}` }),
  },
  {
    name: 'hello with two Authorization headers',
    request: async (s) => {
      const { access } = await s.login();
      return hello({ authorization: [`Bearer ${access}`, `Bearer ${access}`] });
    },
  },
  ...['POST', 'PUT', 'PATCH', 'DELETE'].map((method) => ({
    name: `${method} on hello without credentials`,
    request: () => hello({}, method),
  })),
  {
    name: 'POST on hello',
    request: async (s) => hello(bearer((await s.login()).access), 'POST'),
  },
  { name: 'OPTIONS on hello without credentials', request: () => hello({}, 'OPTIONS') },
  {
    name: 'OPTIONS on hello',
    request: async (s) => hello(bearer((await s.login()).access), 'OPTIONS'),
  },
  {
    name: 'hello accepting only XML',
    request: async (s) => hello({ ...bearer((await s.login()).access), accept: 'application/xml' }),
  },
  {
    name: 'hello accepting only HTML',
    request: async (s) => hello({ ...bearer((await s.login()).access), accept: 'text/html' }),
  },
  {
    name: 'hello with a token issued in the future',
    request: (s) => hello(bearer(s.forge({ iat: inAMinute() + 3600 }))),
  },
  {
    name: 'hello with a number user_id',
    request: (s) => hello(bearer(s.forge({ user_id: 1 }))),
  },
  {
    name: 'hello with a string user_id',
    request: (s) => hello(bearer(s.forge({ user_id: '1' }))),
  },
  {
    name: 'hello with an unknown user',
    request: (s) => hello(bearer(s.forge({ user_id: '999' }))),
  },
  {
    name: 'hello with no user_id',
    request: (s) => hello(bearer(s.forge({ user_id: undefined }))),
  },
  {
    name: 'hello with exp as a string',
    request: (s) => hello(bearer(s.forge({ exp: String(inAMinute()) }))),
  },
  {
    name: 'hello with a user_id that is not a number',
    request: (s) => hello(bearer(s.forge({ user_id: 'abc' }))),
  },
  {
    name: 'hello with an expired token',
    request: (s) => hello(bearer(s.forge({ exp: inAMinute() - 120 }))),
  },
  {
    name: 'hello with an unsigned token',
    request: (s) => hello(bearer(s.forge({}, { unsigned: true }))),
  },
];

/** Django's APPEND_SLASH: a known path without its final slash. */
const withoutTheSlashCases: WireCase[] = [
  ...['/api/token', '/api/token/refresh', '/api/token/verify', '/api/token/blacklist'].map(
    (path): WireCase => ({
      name: `POST ${path} without its slash`,
      request: () => post(path, jsonBody(credentials)),
    }),
  ),
  {
    name: 'GET /hello without its slash',
    request: async (s) => ({
      method: 'GET',
      path: '/hello?page=2',
      headers: bearer((await s.login()).access),
    }),
  },
  {
    name: 'GET /hello without its slash or credentials',
    request: () => ({ method: 'GET', path: '/hello' }),
  },
];

export const wireCases: WireCase[] = [
  ...loginCases,
  ...refreshCases,
  ...verifyCases,
  ...blacklistCases,
  ...helloCases,
  { name: 'an unknown path', request: () => ({ method: 'GET', path: '/nothing/here/' }) },
  ...withoutTheSlashCases,
];
