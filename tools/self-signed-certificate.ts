/** A self-signed TLS pair for localhost, for local use only: `cert.pem` and `key.pem` in `dir`. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function makeSelfSignedCertificate(dir: string, days = 365): void {
  mkdirSync(dir, { recursive: true });
  // An EC P-256 key: small and fast, and accepted by every TLS 1.2+ client.
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  args.push('-nodes', '-days', String(days), '-subj', '/CN=localhost');
  args.push('-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  args.push('-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'));
  execFileSync('openssl', args, { stdio: 'ignore' });
}
