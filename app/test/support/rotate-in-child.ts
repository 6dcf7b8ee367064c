/**
 * Run as a separate process by the store tests, standing in for a worker: opens the database at
 * `url` with a connection per attempt, says "ready", and at "go" on its input rotates one token
 * `count` times at once; prints how many of its rotations won.
 */
import { once } from 'node:events';
import { openStore } from '../../src/store/open-store.ts';

const [url = '', userId = '1', jti = '', count = '1', name = 'child'] = process.argv.slice(2);
const attempts = Number(count);
const store = await openStore(url, 0, { poolSize: attempts });
// Every connection opened before the start: the rotations then meet in the database, not in
// connection set-up.
await Promise.all(Array.from({ length: attempts }, () => store.ping()));
const token = (id: string, parent: string | null) => ({
  jti: id,
  userId: Number(userId),
  familyId: jti,
  parentJti: parent,
  createdAt: 0,
  expiresAt: 4_000_000_000,
});
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const results = await Promise.all(
  Array.from({ length: attempts }, (_, n) =>
    store.tokens.rotate(token(jti, null), token(`${name}-${n}`, jti), 1),
  ),
);
process.stdout.write(`${results.filter(Boolean).length}\n`);
await store.close();
process.stdin.destroy();
