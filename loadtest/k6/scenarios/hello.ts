/** The headline number: authenticated GET /hello/, with a token obtained once in setup(). */
import { hello, loginOrFail, type TokenPair } from '../lib/api.ts';
import { optionsFor } from '../lib/profiles.ts';
import { requireReadyTarget } from '../lib/target.ts';

export { handleSummary } from '../lib/summary.ts';

export const options = optionsFor('hello', { discardResponseBodies: true });

export function setup(): TokenPair {
  requireReadyTarget();
  return loginOrFail();
}

export default function (pair: TokenPair): void {
  hello(pair.access);
}
