# shellcheck shell=bash
# Sourced by deploy/smoke.sh: a Docker daemon of the smoke test's own when none is running,
# and the proof that it leaves the host as it found it.
#
# The private daemon listens on its own socket (DOCKER_HOST is exported for the clients), keeps
# its images under $PARAMD_SMOKE_STATE/docker (so the debootstrap base is built once), and runs
# with no default bridge, no firewall management and no IP forwarding: the smoke test's
# container uses the host's network, so dockerd has no reason to touch any of them.
# host_state_snapshot and host_state_restore check that, and undo whatever changed all the same
# (links, mounts, forwarding, iptables rules, policies and chains), one by one, never by
# flushing what was there before.

smoke_run=/run/paramd-smoke
dockerd_pid=

# Interfaces, the daemon's mounts, IP forwarding (dockerd turns it on, and then sets the FORWARD
# policy to DROP), and every iptables and ip6tables rule and policy of the filter and nat tables.
host_state() {
    ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print "link " $2 }'
    findmnt -rn -o TARGET | grep -E "^($smoke_run|$PARAMD_SMOKE_STATE)(/|$)" | sed 's/^/mount /' || true
    echo "sysctl net.ipv4.ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
    echo "sysctl net.ipv6.conf.all.forwarding $(cat /proc/sys/net/ipv6/conf/all/forwarding)"
    local tool table
    for tool in iptables ip6tables; do
        command -v "$tool" >/dev/null || continue
        for table in filter nat; do
            "$tool" -t "$table" -S 2>/dev/null | sed "s/^/$tool $table /"
        done
    done
}

host_state_snapshot() { host_state | sort >"$1"; }

# Removes what appeared since the snapshot in $1; prints what it removed. Fails if the host
# still differs afterwards.
host_state_restore() {
    local before=$1 added tool table rule chain policy target key value link left
    added=$(comm -13 "$before" <(host_state | sort))
    # Rules first (they reference chains), then policies, chains, mounts (deepest first), forwarding
    # and links.
    while read -r tool table rule; do
        [[ $rule == -A* ]] || continue
        echo "removing $tool -t $table ${rule}"
        eval "$tool -t $table -D ${rule#-A }"
    done <<<"$(grep -E '^ip6?tables ' <<<"$added")"
    while read -r tool table rule; do
        [[ $rule == -P* ]] || continue
        read -r _ chain _ <<<"$rule"
        read -ra policy <<<"$(grep -E "^$tool $table -P $chain " "$before" | cut -d' ' -f3-)"
        echo "restoring $tool -t $table ${policy[*]}"
        "$tool" -t "$table" "${policy[@]}"
    done <<<"$(grep -E '^ip6?tables ' <<<"$added")"
    while read -r tool table rule; do
        [[ $rule == -N* ]] || continue
        echo "removing $tool -t $table chain ${rule#-N }"
        "$tool" -t "$table" -F "${rule#-N }" && "$tool" -t "$table" -X "${rule#-N }"
    done <<<"$(grep -E '^ip6?tables ' <<<"$added")"
    while read -r _ target; do
        [ -n "$target" ] || continue
        echo "unmounting $target"
        umount "$target"
    done <<<"$(grep '^mount ' <<<"$added" | sort -r)"
    while read -r _ key _; do
        [ -n "$key" ] || continue
        value=$(awk -v k="$key" '$1 == "sysctl" && $2 == k { print $3 }' "$before")
        echo "restoring $key=$value"
        echo "$value" >"/proc/sys/${key//.//}"
    done <<<"$(grep '^sysctl ' <<<"$added")"
    while read -r _ link; do
        [ -n "$link" ] || continue
        echo "removing link $link"
        ip link delete "$link"
    done <<<"$(grep '^link ' <<<"$added")"
    left=$(diff "$before" <(host_state | sort)) || { echo "host state differs from before the smoke test:"; echo "$left"; return 1; }
}

# Uses the running daemon if the client reaches one; else starts the private one.
dockerd_ensure() {
    if docker info >/dev/null 2>&1; then
        echo "docker: using the running daemon"
        return
    fi
    mkdir -p "$smoke_run" "$PARAMD_SMOKE_STATE/docker"
    export DOCKER_HOST=unix://$smoke_run/docker.sock
    dockerd --data-root "$PARAMD_SMOKE_STATE/docker" --exec-root "$smoke_run/exec" \
        --pidfile "$smoke_run/dockerd.pid" -H "$DOCKER_HOST" \
        --bridge=none --iptables=false --ip-masq=false --ip-forward=false >"$smoke_run/dockerd.log" 2>&1 &
    dockerd_pid=$!
    local _
    for _ in $(seq 1 120); do
        docker info >/dev/null 2>&1 && { echo "docker: started dockerd (pid $dockerd_pid)"; return; }
        kill -0 "$dockerd_pid" 2>/dev/null || break
        sleep 0.5
    done
    tail -20 "$smoke_run/dockerd.log" >&2
    echo "docker: dockerd did not come up" >&2
    return 1
}

# Stops the private daemon, if this script started one, by its pid (it stops its containerd).
dockerd_stop() {
    [ -n "$dockerd_pid" ] || return 0
    kill -TERM "$dockerd_pid" 2>/dev/null || true
    local _
    for _ in $(seq 1 60); do
        kill -0 "$dockerd_pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$dockerd_pid" 2>/dev/null; then
        echo "docker: dockerd (pid $dockerd_pid) ignored SIGTERM for 30 s; killing it" >&2
        kill -KILL "$dockerd_pid"
    fi
    wait "$dockerd_pid" 2>/dev/null || true
    echo "docker: stopped dockerd (pid $dockerd_pid)"
    dockerd_pid=
}
