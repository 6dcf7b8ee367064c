/** `npm run tokens -- flush-expired`: deletes stored tokens past their expiry (simplejwt's flushexpiredtokens). */
import { systemClock } from '../clock.ts';
import { userServiceFor } from '../services.ts';
import { flushExpiredTokens } from '../tokens/token-maintenance.ts';
import { runCommand, UsageError } from './run-command.ts';

const usage = `usage: npm run tokens -- flush-expired
  flush-expired   delete outstanding and blacklisted tokens that have expired, and failed-login
                  counts whose window has closed`;

const args = process.argv.slice(2);

await runCommand(usage, async ({ config, store, out }) => {
  if (args.length !== 1 || args[0] !== 'flush-expired') {
    throw new UsageError(args[0] ? `unknown command "${args.join(' ')}"` : 'no command given');
  }
  out(`deleted ${await flushExpiredTokens(store, systemClock)} expired token(s)`);
  const windows = await userServiceFor(config, store, systemClock).flushLoginFailures();
  out(`deleted ${windows} closed failed-login window(s)`);
});
