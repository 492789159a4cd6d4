#!/usr/bin/env bash
# Builds a k6 binary with the extensions gateway-kit recommends (see docs/performance.md, "k6 and xk6").
#
# k6 itself already ships the web dashboard (K6_WEB_DASHBOARD=true) and the Prometheus remote-write
# output (-o experimental-prometheus-rw), so the only extension added by default is xk6-sse, which times
# each server-sent event: k6's own http client buffers a stream and can only time its headers.
#
# usage: loadtest/xk6/build-k6.sh [--print] [--output PATH] [--with MODULE[@VERSION]]...
#   --print         print the build command and exit (nothing is downloaded)
#   --output PATH   where to write the binary (default: loadtest/xk6/bin/k6)
#   --with MODULE   an extra extension, as xk6 takes it; repeatable
# environment: K6_VERSION (default v2.3.0), XK6_SSE (default github.com/phymbert/xk6-sse@latest; pin it
# in your CI), XK6_IMAGE (default grafana/xk6, used when xk6 is not on PATH).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
k6_version="${K6_VERSION:-v2.3.0}"
output="$here/bin/k6"
print_only=false
extensions=("${XK6_SSE:-github.com/phymbert/xk6-sse@latest}")

while [ $# -gt 0 ]; do
  case "$1" in
    --print) print_only=true ;;
    --output) output="${2:?--output needs a path}"; shift ;;
    --with) extensions+=("${2:?--with needs a module}"); shift ;;
    *) echo "build-k6.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

with_args=()
for extension in "${extensions[@]}"; do with_args+=(--with "$extension"); done

if command -v xk6 >/dev/null 2>&1; then
  command=(xk6 build "$k6_version" --output "$output" "${with_args[@]}")
else
  # No Go toolchain: the xk6 image builds in a container and writes the binary into the mounted dir.
  out_dir="$(dirname "$output")"
  command=(docker run --rm -u "$(id -u):$(id -g)" -v "$out_dir:/xk6" "${XK6_IMAGE:-grafana/xk6}"
    build "$k6_version" --output "/xk6/$(basename "$output")" "${with_args[@]}")
fi

if $print_only; then
  printf '%q ' "${command[@]}"
  printf '\n'
  exit 0
fi

mkdir -p "$(dirname "$output")"
"${command[@]}"
"$output" version
