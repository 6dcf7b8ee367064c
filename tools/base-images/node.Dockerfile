# A stand-in for node:24-bookworm-slim, for engines without a registry: Debian, the Node 24
# binary from the npm registry's node package, npm, and a user named node (uid 1000) as there.
ARG DEBIAN_BASE
FROM ${DEBIAN_BASE}
COPY node /usr/local/bin/node
# The certificate authorities of the host that built this image: what npm needs inside a build to
# reach the registry the host reaches (through a TLS-inspecting proxy, say).
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
# ADD unpacks the npm tarball (npm pack's output) into /usr/local/lib/package.
ADD npm.tgz /usr/local/lib/
RUN mkdir -p /usr/local/lib/node_modules \
 && mv /usr/local/lib/package /usr/local/lib/node_modules/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
CMD ["node"]
