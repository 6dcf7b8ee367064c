import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { selfSignedPair } from '../../testing/tls-pairs.ts';
import { tlsPair, tlsPairProblems } from '../src/tls-pair.ts';

const pair = selfSignedPair();
const other = selfSignedPair();
const leaf = new X509Certificate(pair.certificate);
const dayMs = 24 * 60 * 60 * 1000;

describe('tlsPairProblems', () => {
  it('finds nothing wrong with a certificate and its own key, in their validity', () => {
    assert.deepEqual(tlsPairProblems(pair.certificate, pair.key), []);
  });

  it('says in one line when the key belongs to another certificate', () => {
    const [problem, ...more] = tlsPairProblems(pair.certificate, other.key);
    assert.deepEqual(more, []);
    assert.match(
      problem ?? '',
      /^tlsKey: not the key of tlsCertificate \(CN=localhost, serial [0-9A-F]+\)$/,
    );
  });

  it('says when the certificate has expired, or is not valid yet', () => {
    const later = new Date(Date.parse(leaf.validTo) + dayMs);
    assert.deepEqual(tlsPairProblems(pair.certificate, pair.key, later), [
      `tlsCertificate: expired on ${leaf.validTo} (CN=localhost)`,
    ]);
    const earlier = new Date(Date.parse(leaf.validFrom) - dayMs);
    assert.deepEqual(tlsPairProblems(pair.certificate, pair.key, earlier), [
      `tlsCertificate: not valid before ${leaf.validFrom} (CN=localhost)`,
    ]);
  });

  it('names each half that is not PEM, or not usable', () => {
    assert.deepEqual(tlsPairProblems('a certificate', 'a key'), [
      'tlsCertificate: expected a PEM certificate (-----BEGIN CERTIFICATE-----)',
      'tlsKey: expected a PEM private key (-----BEGIN PRIVATE KEY-----)',
    ]);
    const broken = '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----';
    assert.match(
      tlsPairProblems(pair.certificate, broken)[0] ?? '',
      /^tlsKey: not a usable private key: /,
    );
  });
});

describe('tlsPair', () => {
  it('puts the certificate first and the key after it, in one file', () => {
    const file = tlsPair(`\n${pair.certificate}\n`, pair.key);
    assert.ok(file.startsWith('-----BEGIN CERTIFICATE-----'));
    assert.ok(file.trimEnd().endsWith('-----END PRIVATE KEY-----'));
  });
});
