#!/usr/bin/env bash
# Builds a local stand-in for node:22-bookworm-slim from this Debian bookworm machine's own packages and Node,
# because tests cannot pull from Docker Hub. Usage: make-node-base.sh <docker-binary> <tag>
#
# The rootfs is the dependency closure of Debian's required packages (what debian:bookworm-slim holds),
# with a dpkg status that lists exactly those packages, so `apt-get install` works inside the image just as
# in the official one; Node, npm, corepack and the Node headers go under /usr/local like the official image.
set -euo pipefail
docker_bin=$1
tag=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"

required=$(dpkg-query -W -f='${Package}\t${Priority}\t${Essential}\n' | awk -F'\t' '$2=="required" || $3=="yes"' | cut -f1)
# perl (not perl-base) arrives only through alternatives; debian:bookworm-slim does not carry it either.
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
  $required debian-archive-keyring gpgv 2>/dev/null | grep -v '^[ <]' | sort -u |
  grep -vxE 'perl|perl-modules-[0-9.]+|libperl[0-9.]+|libgdbm-compat4|libgdbm6|nodejs' >"$work/closure"
dpkg-query -W -f='${Package}\t${db:Status-Abbrev}\n' | awk '$2=="ii"{print $1}' |
  grep -xFf "$work/closure" >"$work/packages"

# Documentation and translations stay out, as in debian:bookworm-slim (copyright notices stay).
while read -r pkg; do dpkg-query -L "$pkg"; done <"$work/packages" | grep -v '^/\.$' |
  grep -vE '^/usr/share/(man|info|locale|lintian)/.|^/usr/share/doc/[^/]+/[^c]' | sort -u >"$work/files"
# Keep the merged-/usr symlinks (/bin -> usr/bin, ...) as symlinks: made first, kept on extraction.
for link in bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$link" ]; then mkdir -p "$root/usr/$link" && ln -s "$(readlink "/$link")" "$root/$link"; fi
done
tar --no-recursion --ignore-failed-read -cf - -T "$work/files" 2>/dev/null |
  tar --keep-directory-symlink -xf - -C "$root"

python3 - "$work/packages" "$root" <<'PY'
import os, shutil, sys
keep = set(open(sys.argv[1]).read().split())
root = sys.argv[2]
# dpkg database: only the packages present, so apt resolves dependencies as in the official image.
stanzas = []
for stanza in open('/var/lib/dpkg/status').read().split('\n\n'):
    for line in stanza.splitlines():
        if line.startswith('Package: '):
            if line[9:].strip() in keep:
                stanzas.append(stanza.strip())
            break
os.makedirs(f'{root}/var/lib/dpkg/info', exist_ok=True)
open(f'{root}/var/lib/dpkg/status', 'w').write('\n\n'.join(stanzas) + '\n')
open(f'{root}/var/lib/dpkg/available', 'w').close()
for name in os.listdir('/var/lib/dpkg/info'):
    pkg = name.rsplit('.', 1)[0].split(':')[0]
    if pkg in keep:
        shutil.copy2(f'/var/lib/dpkg/info/{name}', f'{root}/var/lib/dpkg/info/{name}')
# Alternatives (awk -> mawk, ...) are made by maintainer scripts, not listed by dpkg -L: copy those whose
# current choice is in the rootfs.
os.makedirs(f'{root}/var/lib/dpkg/alternatives', exist_ok=True)
os.makedirs(f'{root}/etc/alternatives', exist_ok=True)
for name in os.listdir('/var/lib/dpkg/alternatives'):
    lines = open(f'/var/lib/dpkg/alternatives/{name}').read().split('\n')
    current = os.path.realpath(f'/etc/alternatives/{name}')
    if not os.path.lexists(f'{root}{current}') or not os.path.lexists(f'/etc/alternatives/{name}'):
        continue
    shutil.copy2(f'/var/lib/dpkg/alternatives/{name}', f'{root}/var/lib/dpkg/alternatives/{name}')
    os.symlink(os.readlink(f'/etc/alternatives/{name}'), f'{root}/etc/alternatives/{name}')
    master = lines[1]
    if not os.path.lexists(f'{root}{master}'):
        os.makedirs(os.path.dirname(f'{root}{master}'), exist_ok=True)
        os.symlink(f'/etc/alternatives/{name}', f'{root}{master}')
PY

# Accounts as debian images have them (base-passwd masters), plus the official image's `node` user.
cp /usr/share/base-passwd/passwd.master "$root/etc/passwd"
cp /usr/share/base-passwd/group.master "$root/etc/group"
echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$root/etc/passwd"
echo 'node:x:1000:' >>"$root/etc/group"
cut -d: -f1 "$root/etc/passwd" | sed 's/$/:*:19000:0:99999:7:::/' >"$root/etc/shadow"
cut -d: -f1 "$root/etc/group" | sed 's/$/:*::/' >"$root/etc/gshadow"
chmod 640 "$root/etc/shadow" "$root/etc/gshadow"
cp /etc/nsswitch.conf "$root/etc/nsswitch.conf"
mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
  'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
  >"$root/etc/dpkg/dpkg.cfg.d/docker"
mkdir -p "$root/etc/apt/sources.list.d"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
mkdir -p "$root"/{tmp,var/tmp,root,home/node,run,proc,sys,dev} \
  "$root"/var/lib/apt/lists/partial "$root"/var/cache/apt/archives/partial "$root"/var/log/apt \
  "$root"/var/lib/dpkg/{updates,triggers}
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 700 "$root/root"
chown 1000:1000 "$root/home/node"

# Node as the official image lays it out: /usr/local/{bin,lib/node_modules,include/node}.
node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
mkdir -p "$root/usr/local/bin" "$root/usr/local/lib/node_modules" "$root/usr/local/include"
cp "$node_prefix/bin/node" "$root/usr/local/bin/node"
for mod in npm corepack; do
  [ -d "$node_prefix/lib/node_modules/$mod" ] && cp -a "$node_prefix/lib/node_modules/$mod" "$root/usr/local/lib/node_modules/"
done
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
[ -d "$root/usr/local/lib/node_modules/corepack" ] &&
  ln -s ../lib/node_modules/corepack/dist/corepack.js "$root/usr/local/bin/corepack"
cp -a "$node_prefix/include/node" "$root/usr/local/include/node"

ldconfig -r "$root"
tar -C "$root" --numeric-owner -cf - . | "$docker_bin" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$(node -p process.versions.node)" \
  --change 'CMD ["node"]' - "$tag" >/dev/null
echo "$tag"
