#!/usr/bin/env bash
# Builds the toolchain `npm run e2e:deploy` needs, from pinned Go modules and Debian packages, into a
# cache outside the repository; a second run with nothing changed only checks stamps (seconds).
#
#   scripts/e2e/toolchain.sh [component ...]      components: pulumi kubernetes provider docker-build buildkit debian pause
#
#   E2E_TOOLCHAIN_DIR  cache directory (default ${XDG_CACHE_HOME:-~/.cache}/gateway-kit/e2e-toolchain)
#   E2E_GO_PARALLEL    go build -p (default 2: the machines have 2 cores shared with others)
#
# Every Go build runs from a wrapper module under scripts/e2e/toolchain/<component>/ whose go.mod and
# go.sum pin the upstream module and every dependency; docs/deploy.md explains each wrapper.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${E2E_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gateway-kit/e2e-toolchain}"
parallel="${E2E_GO_PARALLEL:-2}"
bin="$cache/bin"
mkdir -p "$bin" "$cache/logs" "$cache/go-build"

export GOFLAGS="-trimpath -buildvcs=false -mod=readonly"
export GOCACHE="$cache/go-build"

log() { printf '[toolchain] %s\n' "$*" >&2; }
die() {
  printf '[toolchain] FAILED: %s\n' "$*" >&2
  exit 1
}

# The version package-lock.json resolves for an npm package (what the program's SDKs ask for).
locked() {
  node -e "const l=require(process.argv[1]);const p=l.packages['node_modules/'+process.argv[2]];if(!p)process.exit(1);console.log(p.version)" \
    "$repo/package-lock.json" "$1" || die "$1 is not in package-lock.json"
}
# The version a wrapper's go.mod requires for a module.
required() { sed -n "s#^[[:space:]]*\(require \)\{0,1\}$2 \(v[^ ]*\).*#\2#p" "$here/toolchain/$1/go.mod" | head -1; }

# Runs a build only when the stamp (inputs hashed) changed or an output is missing.
# usage: build_step NAME "INPUT TEXT" OUTPUT... -- COMMAND...
build_step() {
  local name="$1" inputs="$2"
  shift 2
  local outputs=()
  while [[ "$1" != "--" ]]; do
    outputs+=("$1")
    shift
  done
  shift
  local stamp_file="$cache/stamps/$name" stamp
  stamp="$(printf '%s\n%s\n' "$inputs" "$(go version)" | sha256sum | cut -c1-32)"
  mkdir -p "$cache/stamps"
  local fresh=1 out
  for out in "${outputs[@]}"; do [[ -x "$out" ]] || fresh=0; done
  if [[ $fresh == 1 && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]]; then
    log "$name: up to date"
    return 0
  fi
  local started=$SECONDS
  log "$name: building (log: $cache/logs/$name.log)"
  if ! "$@" >"$cache/logs/$name.log" 2>&1; then
    tail -n 30 "$cache/logs/$name.log" >&2
    die "$name (see $cache/logs/$name.log)"
  fi
  echo "$stamp" >"$stamp_file"
  log "$name: built in $((SECONDS - started)) s"
}

# Hash of a wrapper folder's tracked inputs.
wrapper_hash() { (cd "$here/toolchain/$1" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) ! -name '*-embed.json' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-32); }

link() { ln -sfn "$1" "$bin/$(basename "$1")"; }

build_pulumi() {
  local version
  version="$(locked @pulumi/pulumi)"
  [[ "$(required pulumi github.com/pulumi/pulumi/pkg/v3)" == "v$version" ]] ||
    die "scripts/e2e/toolchain/pulumi/go.mod pins pkg/v3 $(required pulumi github.com/pulumi/pulumi/pkg/v3), package-lock.json has @pulumi/pulumi $version: update the wrapper (go get …@v$version && go mod tidy)"
  local out="$cache/pulumi-v$version/bin"
  mkdir -p "$out"
  build_step "pulumi-v$version" "$(wrapper_hash pulumi)" "$out/pulumi" "$out/pulumi-language-nodejs" -- \
    bash -c "cd '$here/toolchain/pulumi' && go build -p $parallel -ldflags '-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version' -o '$out/pulumi' github.com/pulumi/pulumi/pkg/v3/cmd/pulumi && go build -p $parallel -ldflags '-s -w -X main.version=$version' -o '$out/pulumi-language-nodejs' ./cmd/pulumi-language-nodejs"
  link "$out/pulumi"
  link "$out/pulumi-language-nodejs"
  # Dynamic providers (infra/gateway-objects) run as the plugin `pulumi-resource-pulumi-nodejs`, which the
  # official CLI ships as a script beside `pulumi`. Ours runs this checkout's @pulumi/pulumi, by absolute path:
  # the plugin's working directory is the e2e work dir, where `require.resolve` finds no node_modules.
  local script="$repo/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js"
  [[ -f "$script" ]] || die "$script is missing: run npm install"
  printf '#!/bin/sh\nexec node %q "$@"\n' "$script" >"$bin/pulumi-resource-pulumi-nodejs.tmp"
  chmod +x "$bin/pulumi-resource-pulumi-nodejs.tmp"
  mv "$bin/pulumi-resource-pulumi-nodejs.tmp" "$bin/pulumi-resource-pulumi-nodejs"
}

build_kubernetes() {
  local version minor ldflags=(-s -w) pkg
  version="$(required kubernetes k8s.io/kubernetes)"
  minor="$(echo "$version" | cut -d. -f2)"
  # What hack/lib/version.sh stamps: clients and the provider read the server version from these.
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ldflags+=(-X "$pkg.gitVersion=$version" -X "$pkg.gitMajor=1" -X "$pkg.gitMinor=$minor" -X "$pkg.gitTreeState=clean" -X "$pkg.buildDate=2026-01-01T00:00:00Z")
  done
  local out="$cache/kubernetes-$version/bin" cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl)
  mkdir -p "$out"
  local targets=() outputs=() cmd
  for cmd in "${cmds[@]}"; do
    targets+=("k8s.io/kubernetes/cmd/$cmd")
    outputs+=("$out/$cmd")
  done
  build_step "kubernetes-$version" "$(wrapper_hash kubernetes) ${ldflags[*]}" "${outputs[@]}" -- \
    bash -c "cd '$here/toolchain/kubernetes' && go build -p $parallel -ldflags '${ldflags[*]}' -o '$out/' ${targets[*]}"
  for cmd in "${outputs[@]}"; do link "$cmd"; done
}

build_provider() {
  local sdk_version module_version src out
  sdk_version="$(locked @pulumi/kubernetes)"
  module_version="$(required kubernetes-provider github.com/pulumi/pulumi-kubernetes/provider/v4)"
  src="$cache/src/kubernetes-provider"
  out="$cache/pulumi-resource-kubernetes-$module_version/bin"
  mkdir -p "$out"
  # The provider reports the release its module was cut from, not the SDK's version (see docs/deploy.md).
  local reported=4.25.0
  build_step "kubernetes-provider-$module_version" "$(wrapper_hash kubernetes-provider) $reported" "$out/pulumi-resource-kubernetes" -- \
    bash -c "rm -rf '$src' && mkdir -p '$src' && cp -r '$here/toolchain/kubernetes-provider/.' '$src/' && chmod -R u+w '$src' && cd '$src' \
      && dir=\$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4) \
      && node -e \"const fs=require('fs');const [d,o,v]=process.argv.slice(1);const s=JSON.parse(fs.readFileSync(d+'/schema.json'));s.version=v;fs.writeFileSync(o+'/schema-embed.json',JSON.stringify(s));fs.writeFileSync(o+'/terraform-mapping-embed.json',JSON.stringify(JSON.parse(fs.readFileSync(d+'/terraform-mapping.json'))))\" \"\$dir/cmd/pulumi-resource-kubernetes\" cmd/pulumi-resource-kubernetes $reported \
      && go build -p $parallel -ldflags '-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$reported' -o '$out/pulumi-resource-kubernetes' ./cmd/pulumi-resource-kubernetes"
  link "$out/pulumi-resource-kubernetes"
  log "kubernetes provider: @pulumi/kubernetes $sdk_version asks for v$sdk_version; the proxy serves only $module_version (v$reported), used from \$PATH"
}

build_docker_build() {
  local version out
  version="$(locked @pulumi/docker-build)"
  [[ "$(required docker-build github.com/pulumi/pulumi-docker-build)" == "v$version" ]] ||
    die "scripts/e2e/toolchain/docker-build/go.mod does not pin github.com/pulumi/pulumi-docker-build v$version"
  # Its provider/internal imports one struct type each from pulumi-java and pulumi-dotnet (schema language
  # metadata); the proxy refuses both modules, so the wrapper replaces them with stubs/ (docs/deploy.md).
  out="$cache/pulumi-resource-docker-build-v$version/bin"
  mkdir -p "$out"
  build_step "docker-build-v$version" "$(wrapper_hash docker-build)" "$out/pulumi-resource-docker-build" -- \
    bash -c "cd '$here/toolchain/docker-build' && go build -p $parallel -ldflags '-s -w -X github.com/pulumi/pulumi-docker-build/provider.Version=$version' -o '$out/pulumi-resource-docker-build' github.com/pulumi/pulumi-docker-build/provider/cmd/pulumi-resource-docker-build"
  link "$out/pulumi-resource-docker-build"
}

# buildkitd for the docker-build provider, which needs a BuildKit builder of its own: without one it
# boots a docker-container builder from the moby/buildkit image on Docker Hub.
build_buildkit() {
  local version out
  version="$(required buildkit github.com/moby/buildkit)"
  out="$cache/buildkit-$version/bin"
  mkdir -p "$out"
  build_step "buildkit-$version" "$(wrapper_hash buildkit)" "$out/buildkitd" -- \
    bash -c "cd '$here/toolchain/buildkit' && go build -p $parallel -ldflags '-s -w -X github.com/moby/buildkit/version.Version=$version' -o '$out/buildkitd' github.com/moby/buildkit/cmd/buildkitd"
  link "$out/buildkitd"
}

# etcd, containerd, runc, CNI plugins, iptables and conntrack from Debian's packages.
install_debian() {
  local wanted=(etcd-server containerd runc containernetworking-plugins iptables conntrack) missing=() pkg
  for pkg in "${wanted[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if ((${#missing[@]} == 0)); then
    log "debian: ${wanted[*]} installed"
  elif [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "debian: installing ${missing[*]}"
    apt-get update -qq >"$cache/logs/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$cache/logs/apt.log" 2>&1 ||
      die "apt-get install ${missing[*]} (see $cache/logs/apt.log)"
  else
    die "missing Debian packages: ${missing[*]} (as root: apt-get install ${missing[*]})"
  fi
  link /usr/bin/etcd
  link /usr/bin/containerd
  link /usr/sbin/runc
}

# The pause binary, from k8s.io/kubernetes's own source, static: the driver wraps it in an image.
build_pause() {
  local version dir out
  version="$(required kubernetes k8s.io/kubernetes)"
  out="$cache/pause-$version/bin"
  mkdir -p "$out"
  dir="$(cd "$here/toolchain/kubernetes" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)"
  build_step "pause-$version" "$(sha256sum "$dir/build/pause/linux/pause.c")" "$out/pause" -- \
    gcc -Os -Wall -Werror -static -DVERSION="$version" -o "$out/pause" "$dir/build/pause/linux/pause.c"
  link "$out/pause"
}

components=("$@")
((${#components[@]})) || components=(debian pause pulumi provider kubernetes docker-build buildkit)
started=$SECONDS
for component in "${components[@]}"; do
  case "$component" in
  pulumi) build_pulumi ;;
  kubernetes) build_kubernetes ;;
  provider) build_provider ;;
  docker-build) build_docker_build ;;
  buildkit) build_buildkit ;;
  debian) install_debian ;;
  pause) build_pause ;;
  *) die "unknown component $component (pulumi kubernetes provider docker-build buildkit debian pause)" ;;
  esac
done
log "ready in $((SECONDS - started)) s: $bin"
