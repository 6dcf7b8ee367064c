/**
 * The local stand-ins for the public base images (npm run base-images), by the build argument
 * each replaces in app/Dockerfile and nginx/Dockerfile, or the Pulumi program's Swarm stack runs.
 */
export const localBaseImages = {
  debian: 'prodstack-local/debian:bookworm',
  /** NODE_BASE, in place of node:24-bookworm-slim. */
  node: 'prodstack-local/node:24-bookworm-slim',
  /** NGINX_BASE, in place of nginx:stable-bookworm. */
  nginx: 'prodstack-local/nginx:bookworm',
  /** The Swarm stack's postgresBaseImage, in place of postgres:15-bookworm. */
  postgres: 'prodstack-local/postgres:15-bookworm',
};
