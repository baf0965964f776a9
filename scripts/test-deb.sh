#!/usr/bin/env bash
# Tests the Debian package (deploy/debian/cpack.cmake) the way an operator meets it:
#   1. builds it (release preset, `cpack -G DEB`) unless --deb names one;
#   2. lintian: no error or warning (the package needs no override);
#   3. in a clean Debian 12 root filesystem (mmdebstrap, cached: scripts/lib/rootfs.sh):
#      `apt-get install ./ngsync_*.deb` pulls its dependencies from the archive, every library
#      resolves, the unit passes `systemd-analyze verify`, the service user exists and runs
#      `ngsync version` and `check-config` on the packaged config, the secrets file is 0600 root;
#   4. `apt-get purge --autoremove` leaves no file behind (the system user stays, as Debian does).
#
#   scripts/test-deb.sh [--deb PATH]
# Needs root (mmdebstrap, chroot) and the Debian archive (apt sources of this machine).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/rootfs.sh
source scripts/lib/rootfs.sh

deb=""
while (($#)); do
  case $1 in
    --deb) deb=$(realpath "$2"); shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "test-deb: unknown argument $1" >&2; exit 2 ;;
  esac
done
say() { echo "test-deb: $*"; }
die() { echo "test-deb: FAILED: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "needs root (mmdebstrap, chroot)"

if [[ -z $deb ]]; then
  say "building the package (release preset, cpack -G DEB)"
  cmake --preset release >/dev/null
  cmake --build --preset release --target ngsync -j"${NGSYNC_JOBS:-$(nproc)}" >/dev/null
  rm -f build/release/packages/ngsync_*.deb
  (cd build/release && cpack -G DEB >/dev/null)
  deb=$(ls "$root"/build/release/packages/ngsync_*_amd64.deb)
fi
[[ -f $deb ]] || die "no package at $deb"
say "package $(basename "$deb"): $(du -h "$deb" | cut -f1)"
dpkg-deb --info "$deb" | sed -n 's/^ Depends: /  depends: /p'

# ---- lintian -----------------------------------------------------------------------------------
lintian_out=$(lintian --fail-on error,warning --tag-display-limit 0 "$deb" 2>&1 |
  grep -v 'running with root privileges is not recommended' || true)
grep -qE '^[EW]: ' <<<"$lintian_out" && die "lintian: $lintian_out"
say "ok: lintian clean$( [[ -n $lintian_out ]] && printf ' (info only: %s)' "$(wc -l <<<"$lintian_out") lines")"

# ---- a clean Debian 12 with systemd (for systemd-analyze and systemd-sysusers) -----------------
t0=$(date +%s)
cached=$(rootfs_cached deb "" --variant=minbase --include=systemd \
  --skip=cleanup/apt/lists)
say "root filesystem ready in $(( $(date +%s) - t0 ))s: $(du -sh --one-file-system "$cached" | cut -f1)"
work=$(mktemp -d /tmp/ngsync-deb-test.XXXXXX)
chmod 755 "$work"
cleanup() {
  local rc=$?
  if ((rc == 0)); then rm -rf --one-file-system "$work"; else say "work files kept in $work"; fi
}
trap cleanup EXIT
rootfs=$work/rootfs
rootfs_copy "$cached" "$rootfs"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
# Downloaded dependencies are kept between runs (apt checks them against the archive's hashes).
archives=$(rootfs_cache_dir)/deb-apt-archives
mkdir -p "$archives"
cp "$archives"/*.deb "$rootfs/var/cache/apt/archives/" 2>/dev/null || true
in_root() { rootfs_exec "$rootfs" root env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

snapshot() {
  # Every path outside dpkg's and apt's own bookkeeping, logs, caches and /run (a tmpfs; systemd's
  # dpkg trigger leaves a marker there).
  (cd "$rootfs" && find . -xdev \
    \( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./run -o -path ./var/lib/dpkg -o -path ./var/lib/apt \
       -o -path ./var/cache -o -path ./var/log -o -path ./etc/resolv.conf \) -prune -o -print | sort)
}
snapshot >"$work/before.txt"

# ---- install -----------------------------------------------------------------------------------
cp "$deb" "$rootfs/tmp/"
in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" >"$work/install.log" 2>&1 ||
  { tail -30 "$work/install.log"; die "apt-get install ./$(basename "$deb")"; }
cp -n "$rootfs"/var/cache/apt/archives/*.deb "$archives/" 2>/dev/null || true
say "ok: apt-get install ./$(basename "$deb")"

ldd_out=$(in_root ldd /usr/bin/ngsync 2>&1) || die "ldd: $ldd_out"
missing=$(grep 'not found' <<<"$ldd_out" | awk '{print $1}' | xargs || true)
[[ -z $missing ]] || die "libraries the package's Depends did not bring: $missing"
say "ok: all $(grep -c '=>' <<<"$ldd_out") shared libraries resolve"

verify_out=$(in_root systemd-analyze verify /lib/systemd/system/ngsync.service 2>&1) ||
  die "systemd-analyze verify: $verify_out"
[[ -z $verify_out ]] || die "systemd-analyze verify printed: $verify_out"
say "ok: systemd-analyze verify ngsync.service"

in_root getent passwd ngsync | grep -q ':/nonexistent:/usr/sbin/nologin$' ||
  die "no system user ngsync: $(in_root getent passwd ngsync || true)"
[[ $(stat -c '%a %U %G' "$rootfs/etc/ngsync/ngsync.env") == "600 root root" ]] ||
  die "/etc/ngsync/ngsync.env is $(stat -c '%a %U %G' "$rootfs/etc/ngsync/ngsync.env"), not 600 root root"
in_root dpkg-query -W -f='${Conffiles}\n' ngsync | grep -q '^ /etc/ngsync/ngsync.yaml ' ||
  die "/etc/ngsync/ngsync.yaml is not a conffile"
say "ok: user ngsync, /etc/ngsync/ngsync.env 0600 root, /etc/ngsync/ngsync.yaml a conffile"

out=$(in_root runuser -u ngsync -- /usr/bin/ngsync version 2>&1) && [[ $out == "ngsync "* ]] ||
  die "ngsync version as ngsync: $out"
say "ok: as user ngsync: $out"
out=$(in_root runuser -u ngsync -- env NOTION_TOKEN=ntn_debtestnotiontoken0001 \
  GITHUB_TOKEN=ghp_debtestgithubtoken0001 DATABASE_URL=postgresql://ngsync@127.0.0.1:1/ngsync \
  GITHUB_WEBHOOK_SECRET=debtestsecret /usr/bin/ngsync check-config --config /etc/ngsync/ngsync.yaml 2>&1) ||
  die "check-config on the packaged config as ngsync: $out"
say "ok: as user ngsync: check-config --config /etc/ngsync/ngsync.yaml"

# ---- purge -------------------------------------------------------------------------------------
in_root apt-get purge -y -q --autoremove ngsync >"$work/purge.log" 2>&1 ||
  { tail -20 "$work/purge.log"; die "apt-get purge ngsync"; }
snapshot >"$work/after.txt"
# The system user stays (Debian keeps system users: files it owned may remain); the only trace is
# its lines in the account files, whose backups (passwd- and the like) shadow/sysusers write.
leftover=$(comm -13 "$work/before.txt" "$work/after.txt" | grep -vE '^\./etc/(passwd|group|shadow|gshadow)-$' || true)
gone=$(comm -23 "$work/before.txt" "$work/after.txt" || true)
[[ -z $leftover ]] || die "files left after purge: $leftover"
[[ -z $gone ]] || die "files removed that were there before: $gone"
say "ok: apt-get purge --autoremove leaves nothing behind"
say "PASSED"
