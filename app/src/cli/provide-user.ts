/**
 * Makes sure the database that `env` configures (DATABASE_URL, PASSWORD_SCRYPT_LOG_N, ...) has
 * this user with this password: created, or given the password anew. For the demo, and for the
 * benches, tests and load tests that start the app with a user of their own.
 */
import { systemClock } from '../clock.ts';
import { loadConfig } from '../config/load-config.ts';
import { openConfiguredStore, userServiceFor } from '../services.ts';

export async function provideUser(
  env: NodeJS.ProcessEnv,
  username: string,
  password: string,
): Promise<void> {
  const config = loadConfig(env);
  const store = await openConfiguredStore(config, systemClock);
  const users = userServiceFor(config, store, systemClock);
  try {
    if (await store.users.findByUsername(username)) await users.setPassword(username, password);
    else await users.create(username, password);
  } finally {
    await store.close();
  }
}
