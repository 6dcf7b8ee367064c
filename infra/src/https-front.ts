/**
 * What serving HTTPS adds to either target: the ports nginx publishes, the URL the stack
 * answers on, and the keeper, a small container of nginx's image that installs the TLS pair
 * into a volume nginx reads it from at each handshake (nginx/tls-keeper.sh). A renewed pair
 * is a new keeper beside the old one: nginx is never replaced, and drops no connection.
 */
import { dirname } from 'node:path';
import { containerNginxPaths } from '../../nginx/src/render-container-nginx.ts';
import type { StackConfig } from './stack-config.ts';
import { nginxPort, nginxTlsPort } from './stack-images.ts';

/** Where the pair's volume mounts, in the keeper (written) and in nginx (read only). */
export const tlsPairFolder = dirname(containerNginxPaths.tlsPair);

/** The keeper's program in nginx's image: `install <file>` then stay up; `check <file>`. */
export const keeperProgram = 'tls-keeper.sh';

/** nginx's ports inside its container and where each is published on the host. */
export function nginxPorts(config: StackConfig, https: boolean) {
  const plain = { internal: nginxPort, published: config.publicPort };
  if (!https) return [plain];
  const tls = { internal: nginxTlsPort, published: config.tlsPort };
  return config.plainHttp === 'refuse' ? [tls] : [plain, tls];
}

/** Where the API answers from the host: over HTTPS when it is served. */
export function stackUrl(config: StackConfig, https: boolean, host: string): string {
  return https ? `https://${host}:${config.tlsPort}/` : `http://${host}:${config.publicPort}/`;
}
