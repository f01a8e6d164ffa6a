# PostgreSQL 15 for deploy/compose.yaml's `replicas` profile where postgres:15 cannot be pulled:
# Debian bookworm's own `postgresql` package on the debootstrap base (deploy/base-image.sh).
# It honours the subset of the official image's interface the profile uses: POSTGRES_USER,
# POSTGRES_DB, POSTGRES_PASSWORD_FILE, data in /var/lib/postgresql/data, pg_isready on PATH.
# The port follows PGPORT (5432 by default), so a host-network deployment can move it.
#
#   docker build --network host -f deploy/images/postgres.Dockerfile \
#       --build-arg BASE_IMAGE=paramd-base:bookworm -t paramd-postgres:local deploy/images
ARG BASE_IMAGE=debian:bookworm-slim
# hadolint ignore=DL3006
FROM ${BASE_IMAGE}
# uid and gid 999, as in the official image, so its volumes keep their owner.
# hadolint ignore=DL3008
RUN groupadd --system --gid 999 postgres \
    && useradd --system --uid 999 --gid 999 --home-dir /var/lib/postgresql --create-home postgres \
    && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data \
    && install -d -o postgres -g postgres -m 2775 /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data PGPORT=5432
USER 999:999
VOLUME ["/var/lib/postgresql/data"]
EXPOSE 5432
# SIGINT is PostgreSQL's fast shutdown: sessions end, the last checkpoint is written.
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
