#!/usr/bin/env bash
# Lints the deployment files, in seconds and without a Docker daemon (.ci/run runs it):
# hadolint on the Dockerfile and deploy/images/*.Dockerfile (and that the Dockerfile's compile
# stage copies every target folder of Package.swift), kubernetes-validate --strict on
# deploy/kubernetes/*.yaml (the Kubernetes API's own schemas: types and unknown fields),
# Compose v2's `config` on deploy/compose.yaml alone, with its replicas profile and with the
# smoke test's override, and shellcheck on deploy/*.sh and deploy/images/*.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install -q --disable-pip-version-check -r deploy/requirements-lint.txt 2>&1 \
    | grep -vi "running pip as the 'root'" || true
if ! command -v shellcheck >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null 2>&1 \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null; }
fi

hadolint Dockerfile deploy/images/*.Dockerfile
echo "hadolint: Dockerfile deploy/images/*.Dockerfile clean"
swift package dump-package | python3 deploy/check_dockerfile_copies.py
manifests=(deploy/kubernetes/*.yaml)
kubernetes-validate --strict --quiet "${manifests[@]}"
echo "kubernetes-validate: ${manifests[*]} valid"
docker-compose -f deploy/compose.yaml config --quiet && docker-compose -f deploy/compose.yaml --profile replicas config --quiet
PARAMD_SMOKE_PORT=8080 PARAMD_SMOKE_TOKEN_FILE=/dev/null PARAMD_SMOKE_PG_PORT=5432 PARAMD_SMOKE_PG_PASSWORD_FILE=/dev/null \
    PARAMD_SMOKE_PORT_1=8081 PARAMD_SMOKE_PORT_2=8082 PARAMD_SMOKE_PORT_3=8083 PARAMD_SMOKE_NGINX_CONF=/dev/null \
    docker-compose -f deploy/compose.yaml -f deploy/compose.smoke.yaml --profile replicas config --quiet
echo "compose config: deploy/compose.yaml valid (alone, with the replicas profile, and with compose.smoke.yaml)"
shellcheck -x deploy/*.sh deploy/images/*.sh
echo "shellcheck: deploy/*.sh deploy/images/*.sh clean"
