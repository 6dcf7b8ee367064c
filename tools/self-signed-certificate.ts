/**
 * A self-signed TLS pair, for local use only: `cert.pem` and `key.pem` in `dir`, for localhost
 * unless other addresses are named.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function makeSelfSignedCertificate(
  dir: string,
  days = 365,
  { name = 'localhost', ips = ['127.0.0.1'] }: { name?: string; ips?: string[] } = {},
): void {
  mkdirSync(dir, { recursive: true });
  // An EC P-256 key: small and fast, and accepted by every TLS 1.2+ client.
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  args.push('-nodes', '-days', String(days), '-subj', `/CN=${name}`);
  const altNames = [`DNS:${name}`, ...ips.map((ip) => `IP:${ip}`)];
  args.push('-addext', `subjectAltName=${altNames.join(',')}`);
  args.push('-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'));
  execFileSync('openssl', args, { stdio: 'ignore' });
}
