/** A realistic blend: 85% protected reads, 10% refreshes, 5% logins. */
import { hello, login, loginOrFail, rotate, type TokenPair } from '../lib/api.ts';
import { optionsFor } from '../lib/profiles.ts';
import { requireReadyTarget } from '../lib/target.ts';

export { handleSummary } from '../lib/summary.ts';

export const options = optionsFor('mixed');

export function setup(): TokenPair {
  requireReadyTarget();
  return loginOrFail();
}

let chain: string | undefined;

export default function (pair: TokenPair): void {
  const roll = Math.random();
  if (roll < 0.85) {
    hello(pair.access);
  } else if (roll < 0.95) {
    chain ??= login()?.refresh;
    if (chain) chain = rotate(chain);
  } else {
    login();
  }
}
