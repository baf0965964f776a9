#!/usr/bin/env bash
# Builds a release into dist/: the Debian package, a tarball of the same files, and SHA256SUMS.
#
#   scripts/release.sh [--test]
#
#   dist/ngsync_<version>_amd64.deb             apt-get install ./ngsync_<version>_amd64.deb
#   dist/ngsync-<version>-linux-amd64.tar.gz    usr/bin/ngsync, the systemd unit, the example config
#   dist/SHA256SUMS                             sha256sum -c SHA256SUMS
#
# Both come from the release preset (RelWithDebInfo, stripped). --test runs scripts/test-deb.sh on
# the package. A build from a tree with uncommitted changes says so: `ngsync version` prints
# "-dirty" after the revision.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
run_test=0
[[ ${1:-} == --test ]] && run_test=1

if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  echo "release: warning: uncommitted changes; the binary's revision will read -dirty" >&2
fi
cmake --preset release >/dev/null
cmake --build --preset release --target ngsync -j"${NGSYNC_JOBS:-$(nproc)}"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build/release/CMakeCache.txt)
mkdir -p dist
rm -f dist/ngsync_*.deb dist/ngsync-*.tar.gz dist/SHA256SUMS

rm -f build/release/packages/ngsync_*.deb
(cd build/release && cpack -G DEB >/dev/null)
cp build/release/packages/ngsync_"${version}"_amd64.deb dist/

# The tarball holds what the package installs, under ngsync-<version>/ (no maintainer scripts:
# the system user and the secrets file are the operator's to make, see docs/operations.md).
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
name=ngsync-$version-linux-amd64
DESTDIR=$stage/$name cmake --install build/release --prefix /usr --strip >/dev/null
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$(git log -1 --format=%ct 2>/dev/null || date +%s)" \
  -C "$stage" -czf "dist/$name.tar.gz" "$name"

(cd dist && sha256sum "ngsync_${version}_amd64.deb" "$name.tar.gz" >SHA256SUMS)
ls -l dist
cat dist/SHA256SUMS
if ((run_test)); then bash scripts/test-deb.sh --deb "dist/ngsync_${version}_amd64.deb"; fi
