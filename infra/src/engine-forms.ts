/**
 * Values in the form the Docker provider reads them back from the engine. A field declared in
 * any other form differs from what a refresh reads, and the next `pulumi up` changes (or, for a
 * field that forces replacement, recreates) the resource although nothing changed:
 * infra/test/support/read-back.ts holds every declared field to these forms.
 */

/**
 * A duration as the provider writes it (Go's time.Duration, its trailing zero units cut): 60 s
 * is '1m', 90 s '1m30s', 3600 s '1h'. '60s' would read back as '1m' on every refresh.
 */
export function duration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours === 0 && minutes === 0) return `${rest}s`;
  const text = `${hours > 0 ? `${hours}h${minutes}m` : `${minutes}m`}${rest}s`;
  return text.replace(/m0s$/, 'm').replace(/h0m$/, 'h');
}

/**
 * A tmpfs mount's mode, which the provider reads back as its permission bits alone: the sticky
 * bit (0o1777) would read back as 0o777. Each task is one user, so no sticky bit is needed.
 */
export const tmpfsMode = 0o777;

/**
 * The gateway Docker gives a network of `subnet` (its first address), declared with the subnet:
 * the provider reads the pool back with its gateway, and a pool without one differs from it,
 * which replaces the network and every service on it.
 */
export function gatewayOf(subnet: string): string {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet);
  if (!match) throw new Error(`expected an IPv4 range such as 10.77.0.0/16, got "${subnet}"`);
  const bits = Number(match[5]);
  const address = match.slice(1, 5).reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const network = bits === 0 ? 0 : (address >>> (32 - bits)) << (32 - bits);
  const gateway = (network >>> 0) + 1;
  return [24, 16, 8, 0].map((shift) => (gateway >>> shift) & 255).join('.');
}
