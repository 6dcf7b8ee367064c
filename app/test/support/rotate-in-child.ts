/**
 * Run as a separate process by the store tests: rotates one token in the given database and
 * prints whether this process won. Several of these at once stand in for pm2 workers.
 */
import { openStore } from '../../src/store/open-store.ts';

const [file, jti, nextJti] = process.argv.slice(2);
const store = openStore(`sqlite:${file ?? ''}`, 0);
const token = (id: string, parent: string | null) => ({
  jti: id,
  userId: 1,
  familyId: jti ?? '',
  parentJti: parent,
  createdAt: 0,
  expiresAt: 4_000_000_000,
});
const won = await store.tokens.rotate(token(jti ?? '', null), token(nextJti ?? '', jti ?? null), 1);
process.stdout.write(String(won));
await store.close();
