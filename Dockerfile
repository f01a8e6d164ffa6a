# Multi-stage build: compile with the full toolchain, ship only the binary and the shared
# libraries it needs (OpenSSL 3, zlib, libpq, libstdc++; the Swift runtime is linked in statically).
#
# With registry access (BuildKit, the default builder):
#   docker build -t paramd:latest .
# Without one (deploy/base-image.sh makes the base with debootstrap; the binary is built on
# the host with `swift build -c release --product paramd --static-swift-stdlib` and staged
# as .build-image/paramd; deploy/smoke.sh does all of it):
#   docker build --build-arg BASE_IMAGE=paramd-base:bookworm --build-arg BINARY=prebuilt -t paramd:latest .
# BuildKit builds only the stages the target needs, so neither path touches the other's image.

ARG BUILD_IMAGE=swift:6.3-bookworm
ARG BASE_IMAGE=debian:bookworm-slim
# Where the binary comes from: "compiled" (in BUILD_IMAGE) or "prebuilt" (.build-image/paramd).
ARG BINARY=compiled

FROM ${BUILD_IMAGE} AS compiled
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends libssl-dev zlib1g-dev libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Every folder Package.swift names a target in (deploy/lint.sh checks the list).
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY bench ./bench
COPY Examples ./Examples
COPY Fuzz ./Fuzz
RUN swift build -c release --product paramd --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/paramd" /out/paramd

FROM scratch AS prebuilt
COPY .build-image/paramd /out/paramd

# hadolint ignore=DL3006
FROM ${BINARY} AS binary

FROM ${BASE_IMAGE}
# The debootstrap base already has the libraries (and no package index to install from);
# debian:bookworm-slim gets them here. Versions follow the base's Debian release.
# hadolint ignore=DL3008
RUN if ! dpkg-query -W libssl3 zlib1g libpq5 libstdc++6 ca-certificates curl >/dev/null 2>&1; then \
        apt-get update && apt-get install -y --no-install-recommends libssl3 zlib1g libpq5 libstdc++6 ca-certificates curl \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && groupadd --system --gid 10001 paramd \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/paramd --create-home paramd \
    && install -d -o paramd -g paramd /var/lib/paramd/data
COPY --from=binary /out/paramd /usr/local/bin/paramd
# uid and gid 10001, as deploy/kubernetes sets them: a secret shared with group 10001 is readable.
USER 10001:10001
WORKDIR /var/lib/paramd
ENV PARAMD_HOST=0.0.0.0 PARAMD_PORT=8080 PARAMD_DATA_DIR=/var/lib/paramd/data
EXPOSE 8080
# The folder exists, owned by paramd, before the volume is declared: a new named volume
# copies that ownership, so the non-root server can write to it.
VOLUME ["/var/lib/paramd/data"]
# The port follows PARAMD_PORT, so a deployment that moves it keeps a truthful health check.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["/bin/sh", "-c", "curl -fsS --max-time 2 \"http://127.0.0.1:${PARAMD_PORT}/healthz\" >/dev/null || exit 1"]
# SIGTERM triggers graceful shutdown (in-flight requests finish, then exit 0).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/paramd"]
