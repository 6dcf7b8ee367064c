# A stand-in for postgres:15-bookworm, for engines without a registry: Debian's PostgreSQL 15 and
# an entrypoint that does what the Swarm stack relies on of the official image's (postgres-entrypoint.sh).
ARG DEBIAN_BASE
FROM ${DEBIAN_BASE}
# No cluster made by the package: the entrypoint makes one in PGDATA on first start.
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["docker-entrypoint.sh"]
# A fast shutdown: sessions end, the data is flushed.
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
