#!/usr/bin/env bash
# Generates the Swift client (Sources/ParamdClient/Generated/) from api/openapi.yaml with
# apple/swift-openapi-generator, and records what it was generated from.
#
#   scripts/generate-client.sh           regenerate (builds the generator once into .build-generator/)
#   scripts/generate-client.sh --check   fail unless Generated/ matches the contract it records
#   scripts/generate-client.sh --verify  regenerate into a temporary folder and diff (slow, thorough)
# SWIFT_OPENAPI_GENERATOR=/path/to/swift-openapi-generator (1.14.3) uses a generator already built.
#
# The generated code is committed rather than made by the package's build plugin: the plugin
# would build the generator (OpenAPIKit, Yams, ...) on every fresh clone, 5 to 11 minutes on
# two cores. For the same reason `--check`, which CI runs, does not build the generator: it
# compares the SHA-256 of api/openapi.yaml, the generator's configuration and every generated
# file with Generated/openapi.sha256, written at generation time together with the generator's
# version. A contract change without a regeneration, a hand edit of generated code or another
# generator version fails it. `--verify` is the thorough check, for when the generator is built.
set -euo pipefail
export LC_ALL=C  # one glob order, so one stamp, on every machine
cd "$(dirname "$0")/.."

generator_version=1.14.3
config=Sources/ParamdClient/openapi-generator-config.yaml
output=Sources/ParamdClient/Generated
stamp=$output/openapi.sha256
scratch=.build-generator

# Hashes of the inputs and outputs, one `sha256sum` line each, after a line naming the generator.
stamp_lines() {
    echo "# swift-openapi-generator $generator_version"
    sha256sum api/openapi.yaml "$config" "$output"/*.swift
}

generator() {
    # A $generator_version binary built elsewhere (another worktree's .build-generator/) saves
    # the build; the generator cannot print its version, so that is the caller's word.
    if [[ -n "${SWIFT_OPENAPI_GENERATOR:-}" ]]; then
        echo "$SWIFT_OPENAPI_GENERATOR"
        return
    fi
    local source=$scratch/swift-openapi-generator
    if [[ "$(git -C "$source" describe --tags 2>/dev/null)" != "$generator_version" ]]; then
        rm -rf "$source"
        mkdir -p "$scratch"
        git -c advice.detachedHead=false clone -q --depth 1 --branch "$generator_version" \
            https://github.com/apple/swift-openapi-generator "$source"
    fi
    swift build --package-path "$source" --product swift-openapi-generator >&2
    echo "$(swift build --package-path "$source" --show-bin-path)/swift-openapi-generator"
}

# Runs the generator into folder $1; of what it prints, only its warnings and errors.
generate_into() {
    local binary log status=0
    binary=$(generator)
    log=$(mktemp)
    "$binary" generate api/openapi.yaml --config "$config" --output-directory "$1" >"$log" 2>&1 || status=$?
    grep -iE "warning|error" "$log" >&2 || true
    rm -f "$log"
    [[ $status == 0 ]] || return "$status"
    # The generator writes `public import` for every module, used or not, and silences the
    # resulting warnings only on compilers from 6.4 on. ParamdClient builds without
    # InternalImportsByDefault, so a plain import is already public there, and unused ones
    # are not warned about: the same meaning, no warnings on 6.3.
    sed -i -E 's/^(@_spi\(Generated\) )?public import /\1import /' "$1"/*.swift
}

case "${1:-}" in
--check)
    if ! diff <(stamp_lines) "$stamp" >/dev/null 2>&1; then
        echo "generate-client: Sources/ParamdClient/Generated/ is out of date with api/openapi.yaml" >&2
        diff <(stamp_lines) "$stamp" >&2 || true
        echo "run scripts/generate-client.sh and commit the result" >&2
        exit 1
    fi
    echo "generate-client: the Swift client is up to date with api/openapi.yaml"
    ;;
--verify)
    fresh=$(mktemp -d)
    trap 'rm -rf "$fresh"' EXIT
    generate_into "$fresh"
    diff -r --exclude=openapi.sha256 "$fresh" "$output"
    echo "generate-client: regenerated code equals Sources/ParamdClient/Generated/"
    ;;
"")
    mkdir -p "$output"
    rm -f "$output"/*.swift
    generate_into "$output"
    stamp_lines > "$stamp"
    echo "generate-client: wrote $output from api/openapi.yaml"
    ;;
*)
    echo "usage: scripts/generate-client.sh [--check | --verify]" >&2
    exit 2
    ;;
esac
