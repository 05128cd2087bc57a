#!/usr/bin/env bash
# Fetch lwIP 2.1.3 from Debian's source package, check its sha256 and unpack it
# under build/lwip/. The deb-src entry is derived from the machine's own apt
# sources (no mirror is named here) and apt runs with a private state
# directory, so this works without root and leaves the system untouched.
set -euo pipefail

VERSION=2.1.3+dfsg1
ORIG=lwip_${VERSION}.orig.tar.xz
SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/lwip
src=$out/lwip-2.1.3
stamp=$out/.unpacked-$SHA256

[ -f "$stamp" ] && [ -d "$src/src/core" ] && exit 0

command -v apt-get >/dev/null || { echo "fetch-lwip: apt-get not found: a Debian machine is needed to fetch lwIP" >&2; exit 1; }

mkdir -p "$out/apt/lists/partial" "$out/apt/cache/archives/partial" "$out/apt/sources"

# deb-src entries: the machine's deb822 sources with Types changed, or its
# one-line sources with 'deb ' turned into 'deb-src '.
rm -f "$out/apt/sources/"*
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] && sed 's/^Types:.*$/Types: deb-src/' "$f" > "$out/apt/sources/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] && grep -E '^deb ' "$f" | sed 's/^deb /deb-src /' > "$out/apt/sources/$(basename "$f" .list)-src.list" || true
done
ls "$out/apt/sources/"* >/dev/null 2>&1 || { echo "fetch-lwip: no apt sources found under /etc/apt" >&2; exit 1; }

APT=(apt-get -q -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$out/apt/sources"
     -o "Dir::State::Lists=$out/apt/lists" -o "Dir::Cache=$out/apt/cache"
     -o Debug::NoLocking=1 -o APT::Sandbox::User=root)

if [ ! -f "$out/$ORIG" ]; then
  echo "fetch-lwip: fetching Debian source package lwip $VERSION"
  "${APT[@]}" update >"$out/apt-update.log" 2>&1 || { cat "$out/apt-update.log" >&2; exit 1; }
  (cd "$out" && "${APT[@]}" source --download-only "lwip=${VERSION}-2" >"$out/apt-source.log" 2>&1) \
    || (cd "$out" && "${APT[@]}" source --download-only lwip >"$out/apt-source.log" 2>&1) \
    || { cat "$out/apt-source.log" >&2; exit 1; }
fi

echo "$SHA256  $out/$ORIG" | sha256sum -c --quiet - \
  || { echo "fetch-lwip: sha256 of $ORIG does not match; removing it" >&2; rm -f "$out/$ORIG"; exit 1; }

rm -rf "$src"
tar -C "$out" -xf "$out/$ORIG"
[ -d "$src/src/core" ] || { echo "fetch-lwip: unexpected tarball layout" >&2; exit 1; }
touch "$stamp"
echo "fetch-lwip: lwIP $VERSION verified and unpacked in ${src#$top/}"
