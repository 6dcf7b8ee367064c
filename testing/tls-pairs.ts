/**
 * TLS pairs for tests, made by openssl like the host stack's own: a self-signed certificate for
 * 127.0.0.1 and localhost, and its key, as PEM text. Each is its own CA: a client that trusts
 * the certificate checks the server against it (httpsGet).
 */
import type { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { makeSelfSignedCertificate } from '../tools/self-signed-certificate.ts';
import { tempDir } from './temp-dir.ts';

export interface TlsPair {
  certificate: string;
  key: string;
}

export function selfSignedPair(days = 2): TlsPair {
  const dir = tempDir();
  makeSelfSignedCertificate(dir, days);
  return {
    certificate: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
  };
}

/** One GET over TLS on a new connection, trusting `ca` alone: the status and the server's certificate. */
export function httpsGet(
  url: string,
  ca: string[],
): Promise<{ status: number; certificate: X509Certificate }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { ca, agent: false }, (res) => {
      res.resume();
      const { socket } = res;
      const certificate = socket instanceof TLSSocket ? socket.getPeerX509Certificate() : undefined;
      res.on('end', () => {
        if (certificate === undefined) reject(new Error(`${url}: no certificate`));
        else resolve({ status: res.statusCode ?? 0, certificate });
      });
    });
    req.on('error', reject);
  });
}
