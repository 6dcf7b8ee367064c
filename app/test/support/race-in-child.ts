/**
 * Run as a separate process by the store tests, standing in for a worker: opens the database at
 * `url` with a connection per attempt, says "ready", and at "go" on its input makes `count`
 * attempts at once; prints how many of them won.
 * - `rotate <url> <userId> <jti> <count> <name>`: rotations of one refresh token;
 * - `reserve <url> <key> <limit> <count>`: login attempts counted against one key.
 */
import { once } from 'node:events';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

const [operation = '', url = '', ...args] = process.argv.slice(2);

const races: Record<string, (store: Store, n: number) => Promise<boolean>> = {
  rotate(store, n) {
    const [userId = '1', jti = '', , name = 'child'] = args;
    const token = (id: string, parent: string | null) => ({
      jti: id,
      userId: Number(userId),
      familyId: jti,
      parentJti: parent,
      createdAt: 0,
      expiresAt: 4_000_000_000,
    });
    return store.tokens.rotate(token(jti, null), token(`${name}-${n}`, jti), 1);
  },
  async reserve(store) {
    const [key = '', limit = '1'] = args;
    const reservation = await store.loginFailures.reserve([{ key, limit: Number(limit) }], 1, 600);
    return reservation.granted;
  },
};

const race = races[operation];
if (!race) throw new Error(`race-in-child: unknown operation "${operation}"`);
const attempts = Number(args[2]);
const store = await openStore(url, 0, { poolSize: attempts });
// Every connection opened before the start: the attempts then meet in the database, not in
// connection set-up.
await Promise.all(Array.from({ length: attempts }, () => store.ping()));
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const results = await Promise.all(Array.from({ length: attempts }, (_, n) => race(store, n)));
process.stdout.write(`${results.filter(Boolean).length}\n`);
await store.close();
process.stdin.destroy();
