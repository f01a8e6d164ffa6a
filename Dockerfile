# syntax=docker/dockerfile:1
# Multi-stage build: compile with the full toolchain, ship only the binary and the
# shared libraries it needs (Swift runtime, OpenSSL 3, zlib).

FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libssl-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY bench ./bench
RUN swift build -c release --product paramd --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/paramd" /out/paramd

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 zlib1g ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/paramd --create-home paramd
COPY --from=build /out/paramd /usr/local/bin/paramd
USER 10001
WORKDIR /var/lib/paramd
ENV PARAMD_HOST=0.0.0.0 PARAMD_PORT=8080 PARAMD_DATA_DIR=/var/lib/paramd/data
EXPOSE 8080
VOLUME ["/var/lib/paramd/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
# SIGTERM triggers graceful shutdown (in-flight requests finish, then exit 0).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/paramd"]
