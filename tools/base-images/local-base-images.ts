/**
 * The local stand-ins for the public base images (npm run base-images), by the build argument
 * each replaces in app/Dockerfile and nginx/Dockerfile.
 */
export const localBaseImages = {
  debian: 'prodstack-local/debian:bookworm',
  /** NODE_BASE, in place of node:24-bookworm-slim. */
  node: 'prodstack-local/node:24-bookworm-slim',
  /** NGINX_BASE, in place of nginx:stable-bookworm. */
  nginx: 'prodstack-local/nginx:bookworm',
};
