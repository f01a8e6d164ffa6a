#!/usr/bin/env bash
# Builds the runtime base image without an image registry: a minimal Debian bookworm root made
# with debootstrap (with the libraries paramd links and curl for the health check), brought up
# to date from the security suite, and loaded with `docker import`.
#
#   deploy/base-image.sh [TAG]      (default paramd-base:bookworm; needs root, docker, debootstrap)
#
# The mirrors are the ones this machine's apt already uses, so the base gets exactly what
# `apt-get install` would get here.
set -euo pipefail
tag=${1:-paramd-base:bookworm}
packages=libssl3,zlib1g,libpq5,libstdc++6,ca-certificates,curl

# shellcheck disable=SC2016  # $(RELEASE) and $(REPO_URI) are apt's fields, not the shell's
repo() { apt-get indextargets --format '$(RELEASE) $(REPO_URI)' | awk -v r="$1" '$1 == r { print $2; exit }'; }
mirror=$(repo bookworm)
[ -n "$mirror" ] || { echo "base-image: apt has no bookworm source to debootstrap from" >&2; exit 1; }

root=$(mktemp -d /var/tmp/paramd-base.XXXXXX)
chmod 0755 "$root"  # it becomes the image's /: the non-root user must be able to enter it
log=$root.log
cleanup() {
    mountpoint -q "$root/proc" && umount "$root/proc"
    rm -rf --one-file-system "$root" "$log"
}
trap cleanup EXIT

quiet() { "$@" >>"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }; }
quiet debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror"

# Security and point-release updates (OpenSSL above all), from the same mirrors.
{
    for suite in bookworm bookworm-updates bookworm-security; do
        uri=$(repo "$suite")
        if [ -n "$uri" ]; then echo "deb $uri $suite main"; fi
    done
} >"$root/etc/apt/sources.list"
mount -t proc proc "$root/proc"
quiet chroot "$root" sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -y upgrade'
umount "$root/proc"

# No package index, caches, docs or locales in the image: it is a runtime, not a build host.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/var/log/*.log

tar --numeric-owner -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["bash"]' \
    -m "debootstrap --variant=minbase bookworm + $packages" - "$tag" >/dev/null
echo "base-image: $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
