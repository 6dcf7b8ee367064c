/**
 * A TLS pair renewed under load, for either target: clients that keep their connections and
 * clients that make a handshake for every request go on through the renewal, none may fail, and
 * a new connection must then be served the new certificate.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { failuresOf, startRequestLoop } from '../../../testing/request-loop.ts';
import { httpsGet, type TlsPair } from '../../../testing/tls-pairs.ts';

export interface Renewal {
  /** The API over HTTPS, ending with a slash. */
  tlsApi: string;
  /** An access token for /hello/. */
  access: string;
  from: TlsPair;
  to: TlsPair;
  /** The `pulumi up` that renews, as the test carries it out. */
  renew: () => Promise<void>;
  say: (line: string) => void;
}

export async function renewUnderLoad({ tlsApi, access, from, to, renew, say }: Renewal) {
  const loop = (keepAlive: boolean) =>
    startRequestLoop({
      url: `${tlsApi}hello/`,
      headers: { authorization: `Bearer ${access}` },
      clients: 2,
      maxSeconds: 120,
      ca: [from.certificate, to.certificate],
      keepAlive,
    });
  // Each handshake must find a whole pair, the old or the new.
  const loops = [loop(true), loop(false)];
  try {
    await renew();
    await sleep(1000);
  } finally {
    const [kept, handshakes] = await Promise.all(loops.map((l) => l.stop()));
    say(
      `over kept connections: ${JSON.stringify(kept)}; a handshake each: ${JSON.stringify(handshakes)}`,
    );
    for (const counts of [kept, handshakes]) {
      assert.ok(counts && counts.requests > 50, `only ${counts?.requests} requests`);
      assert.equal(failuresOf(counts, 200), 0, 'a request failed during the renewal');
    }
  }
  const { certificate } = await httpsGet(`${tlsApi}readyz`, [to.certificate]);
  assert.equal(certificate.fingerprint256, new X509Certificate(to.certificate).fingerprint256);
}
