#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, and nothing when it is there
# already: the C libraries paramd links, curl, and the Python packages of Tests/python
# (the real torch, safetensors, onnx, onnxruntime, tritonclient, browser drivers).
# scripts/test.sh calls it first; CI too, through scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
apt_packages=(libssl-dev zlib1g-dev curl openssl)
if [[ -f Tests/python/apt-packages.txt ]]; then
    while read -r package; do
        [[ -z "$package" || "$package" == \#* ]] || apt_packages+=("$package")
    done < Tests/python/apt-packages.txt
fi
if ! dpkg -s "${apt_packages[@]}" >/dev/null 2>&1; then
    [[ $(id -u) == 0 ]] || { echo "test-deps: missing Debian packages, run as root: apt-get install ${apt_packages[*]}" >&2; exit 1; }
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

# pip's own resolver is the check: already satisfied requirements cost a second.
python3 -m pip install -q --disable-pip-version-check -r Tests/python/requirements.txt 2>&1 \
    | grep -v "running pip as the 'root'" || true
