/**
 * The certificate and key nginx serves HTTPS with on the deployed targets (the tlsCertificate and
 * tlsKey secrets): checked before anything is declared, so that a key of another certificate or
 * an expired certificate stops `pulumi up` with one line instead of failing handshakes, and
 * joined into the one file nginx reads at each handshake (nginx/http/tls-pair.conf).
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';

const pemBlocks = (text: string, type: RegExp) =>
  text
    .match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g)
    ?.filter((block) => type.test(block.slice(0, block.indexOf('\n')))) ?? [];

/** The certificate nginx presents first: the first block, its chain after it. */
function leafOf(certificate: string): X509Certificate | string {
  const [leaf] = pemBlocks(certificate, /CERTIFICATE/);
  if (leaf === undefined)
    return 'tlsCertificate: expected a PEM certificate (-----BEGIN CERTIFICATE-----)';
  try {
    return new X509Certificate(leaf);
  } catch (error) {
    return `tlsCertificate: not a usable certificate: ${(error as Error).message}`;
  }
}

function privateKeyOf(key: string): KeyObject | string {
  const [block] = pemBlocks(key, /PRIVATE KEY/);
  if (block === undefined)
    return 'tlsKey: expected a PEM private key (-----BEGIN PRIVATE KEY-----)';
  try {
    return createPrivateKey(block);
  } catch (error) {
    return `tlsKey: not a usable private key: ${(error as Error).message}`;
  }
}

/** Why nginx could not serve this pair at `now`, one line each, or nothing. */
export function tlsPairProblems(certificate: string, key: string, now = new Date()): string[] {
  const leaf = leafOf(certificate);
  const privateKey = privateKeyOf(key);
  if (typeof leaf === 'string' || typeof privateKey === 'string') {
    return [leaf, privateKey].filter((problem) => typeof problem === 'string');
  }
  const subject = leaf.subject.replace(/\n/g, ', ');
  if (!leaf.checkPrivateKey(privateKey)) {
    return [`tlsKey: not the key of tlsCertificate (${subject}, serial ${leaf.serialNumber})`];
  }
  if (now > new Date(leaf.validTo)) {
    return [`tlsCertificate: expired on ${leaf.validTo} (${subject})`];
  }
  if (now < new Date(leaf.validFrom)) {
    return [`tlsCertificate: not valid before ${leaf.validFrom} (${subject})`];
  }
  return [];
}

/** The file nginx reads: the certificate and its chain, then the key. */
export const tlsPair = (certificate: string, key: string) =>
  `${certificate.trim()}\n${key.trim()}\n`;
