#!/usr/bin/env bash
# Tests the container image without a container engine: builds the image's runtime filesystem
# (debian:bookworm-slim's minbase plus exactly deploy/docker/runtime-packages.txt, the list the
# Dockerfile installs) with mmdebstrap, lays the release binary and the entrypoint out as the
# Dockerfile does, and runs them there as uid 10001 (chroot in a private mount namespace):
#   1. every shared library the binary needs resolves (`ldd` inside; a missing one fails the test
#      by name);
#   2. `ngsync version`, through the entrypoint;
#   3. `check-config` on deploy/config/ngsync.example.yaml;
#   4. `sync-once` against the sandbox (emulated Notion and GitHub, on the host, on loopback) and a
#      private Postgres;
#   5. `run`, with the Dockerfile's own HEALTHCHECK command answering inside the image, then a
#      graceful stop on SIGTERM.
#
#   scripts/test-image-rootfs.sh [--binary PATH] [--sandbox PATH] [--drop-package PKG]
#
# --drop-package removes PKG from this run's copy of the filesystem (dpkg --force-depends), to
# see the test fail naming the library, e.g. --drop-package libprometheus-cpp-core1.0.
# The root filesystem leaves out documentation, manuals and translations as debian:bookworm-slim
# does (dpkg path-exclude), so its size is close to the image's.
# --binary: the ngsync to test (default: build/release/ngsync, built with the release preset as the
# Dockerfile does). --sandbox: the ngsync-sandbox to run on the host (default: build/debug's, else
# build/release's, else built in build/release). The root filesystem is cached (default
# ~/.cache/ngsync-rootfs), keyed by the package list and how it is built (scripts/lib/rootfs.sh).
# Needs root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/rootfs.sh
source scripts/lib/rootfs.sh

binary="" sandbox="" drop_package=""
while (($#)); do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    --sandbox) sandbox=$2; shift 2 ;;
    --drop-package) drop_package=$2; shift 2 ;;
    -h | --help) sed -n "2,26p" "$0"; exit 0 ;;
    *) echo "test-image-rootfs: unknown argument $1" >&2; exit 2 ;;
  esac
done
say() { echo "test-image-rootfs: $*"; }
die() { echo "test-image-rootfs: FAILED: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "needs root (mmdebstrap, chroot)"

if [[ -z $binary ]]; then
  binary=build/release/ngsync
  say "building $binary (release preset)"
  cmake --preset release >/dev/null
  cmake --build --preset release --target ngsync -j"${NGSYNC_JOBS:-$(nproc)}" >/dev/null
fi
if [[ -z $sandbox ]]; then
  for candidate in build/debug/ngsync-sandbox build/release/ngsync-sandbox; do
    [[ -x $candidate ]] && { sandbox=$candidate; break; }
  done
  if [[ -z $sandbox ]]; then
    cmake --build --preset release --target ngsync-sandbox -j"${NGSYNC_JOBS:-$(nproc)}" >/dev/null
    sandbox=build/release/ngsync-sandbox
  fi
fi
[[ -x $binary ]] || die "no ngsync binary at $binary"
[[ -x $sandbox ]] || die "no ngsync-sandbox at $sandbox"

# ---- the image's root filesystem ---------------------------------------------------------------
packages_file=deploy/docker/runtime-packages.txt
packages=$(sed 's/#.*//' "$packages_file" | xargs | tr ' ' ',')
[[ -n $packages ]] || die "$packages_file lists no package"
# The Dockerfile's runtime stage must read that very file (one source of truth).
grep -q "COPY $packages_file " deploy/docker/Dockerfile ||
  die "deploy/docker/Dockerfile does not install $packages_file"
t0=$(date +%s)
cached=$(rootfs_cached image "$(cat "$packages_file")" --variant=minbase --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
  --customize-hook='chroot "$1" useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ngsync' \
  --customize-hook='mkdir -p "$1/etc/ngsync"' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*')
say "root filesystem ready in $(( $(date +%s) - t0 ))s: $(du -sh --one-file-system "$cached" | cut -f1) ($cached)"

work=$(mktemp -d /tmp/ngsync-image-test.XXXXXX)
chmod 755 "$work"
rootfs=$work/rootfs
sandbox_pid="" ngsync_pid=""
cleanup() {
  local rc=$?
  if [[ -n $ngsync_pid ]] && kill -0 "$ngsync_pid" 2>/dev/null; then kill -KILL "$ngsync_pid" || true; fi
  if [[ -n $sandbox_pid ]] && kill -0 "$sandbox_pid" 2>/dev/null; then
    kill -TERM "$sandbox_pid" || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  bash scripts/pg-private.sh destroy "$work/pg" >/dev/null 2>&1 || true
  if ((rc == 0)); then rm -rf --one-file-system "$work"; else say "work files kept in $work"; fi
}
trap cleanup EXIT
rootfs_copy "$cached" "$rootfs"

# As the Dockerfile's COPY lines do (and its build stage strips the binary).
install -m 0755 "$binary" "$rootfs/usr/local/bin/ngsync"
strip "$rootfs/usr/local/bin/ngsync"
install -m 0755 deploy/docker/entrypoint.sh "$rootfs/usr/local/bin/ngsync-entrypoint"
install -m 0644 deploy/config/ngsync.example.yaml "$rootfs/etc/ngsync/ngsync.example.yaml"
say "ngsync in the image: $(du -h "$rootfs/usr/local/bin/ngsync" | cut -f1) (stripped)"

# The image's environment (the Dockerfile's ENV lines), nothing from this shell.
image_env=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/nonexistent
           NGSYNC_CONFIG=/etc/ngsync/ngsync.yaml)
as_image_user() { rootfs_exec "$rootfs" 10001:10001 "${image_env[@]}" "$@"; }

if [[ -n $drop_package ]]; then
  rootfs_exec "$rootfs" root dpkg --purge --force-depends "$drop_package" >/dev/null 2>&1 ||
    die "--drop-package: cannot remove $drop_package"
  say "removed $drop_package from this run's filesystem (--drop-package)"
fi

# ---- 1. every library resolves -----------------------------------------------------------------
ldd_out=$(rootfs_exec "$rootfs" root ldd /usr/local/bin/ngsync 2>&1) || die "ldd failed: $ldd_out"
missing=$(grep 'not found' <<<"$ldd_out" | awk '{print $1}' | xargs || true)
if [[ -n $missing ]]; then
  die "shared libraries missing from the image: $missing (add their packages to $packages_file)"
fi
say "ok: all $(grep -c '=>' <<<"$ldd_out") shared libraries resolve"

# ---- 2. version ----------------------------------------------------------------------------------
# Through the entrypoint, as `docker run IMAGE version` does: no config mounted yet.
out=$(as_image_user /usr/local/bin/ngsync-entrypoint version 2>&1 </dev/null) && [[ $out == "ngsync "* ]] ||
  die "ngsync version as uid 10001: $out"
say "ok: $out"
[[ $(as_image_user id -u) == 10001 ]] || die "not running as uid 10001"

# ---- 3. check-config on the example --------------------------------------------------------------
fake_secrets=(NOTION_TOKEN=ntn_imagetestnotiontoken0001 GITHUB_TOKEN=ghp_imagetestgithubtoken0001
              DATABASE_URL=postgresql://ngsync@127.0.0.1:1/ngsync GITHUB_WEBHOOK_SECRET=imagetestsecret)
out=$(as_image_user "${fake_secrets[@]}" NGSYNC_CONFIG=/etc/ngsync/ngsync.example.yaml \
  /usr/local/bin/ngsync-entrypoint check-config 2>&1 </dev/null) || die "check-config on the example: $out"
say "ok: check-config on the example config"

# ---- 4. sync-once against the sandbox ------------------------------------------------------------
database_url=$(bash scripts/pg-private.sh start "$work/pg")
setsid "$sandbox" --scenario deploy/quickstart/workspace.json --tls-dir "$work/tls" \
  --ready-file "$work/sandbox.json" >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do
  [[ -s $work/sandbox.json ]] && break
  kill -0 "$sandbox_pid" 2>/dev/null || die "the sandbox exited: $(tail -5 "$work/sandbox.log")"
  sleep 0.1
done
[[ -s $work/sandbox.json ]] || die "the sandbox did not become ready"
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval("d"+sys.argv[2]))' "$work/sandbox.json" "$1"; }
# The sandbox's CA goes into the image like an operator's own CA bundle would (a mounted file).
install -m 0644 "$(field '["ca_file"]')" "$rootfs/etc/ngsync/sandbox-ca.pem"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -e "s|@NOTION_URL@|$(field '["notion"]["url"]')|" -e "s|@GITHUB_URL@|$(field '["github"]["url"]')|" \
  -e "s|@CA_FILE@|/etc/ngsync/sandbox-ca.pem|" -e "s|@LISTEN_PORT@|$port|" -e "s|@POLL_INTERVAL@|5s|" \
  deploy/quickstart/ngsync.yaml.in >"$rootfs/etc/ngsync/ngsync.yaml"
sandbox_secrets=(NOTION_TOKEN=secret_quickstart_notion_token GITHUB_TOKEN=ghp_quickstarttokenforngsync01
                 DATABASE_URL="$database_url")
as_image_user "${sandbox_secrets[@]}" /usr/local/bin/ngsync-entrypoint sync-once \
  >"$work/sync.out" 2>"$work/sync.log" </dev/null || { tail -20 "$work/sync.log"; die "sync-once in the image"; }
grep -q 'issues created=[1-9]' "$work/sync.out" || die "sync-once created no issue: $(cat "$work/sync.out")"
say "ok: sync-once: $(grep -o 'issues created=[0-9]*' "$work/sync.out")"

# ---- 5. run, and the HEALTHCHECK answers ---------------------------------------------------------
# The Dockerfile's HEALTHCHECK command, as Docker runs it (sh -c, the image's environment).
health_cmd=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' deploy/docker/Dockerfile | sed -n 's/^HEALTHCHECK .* CMD //p')
[[ -n $health_cmd ]] || die "no HEALTHCHECK ... CMD in deploy/docker/Dockerfile"
health_env=(NGSYNC_HEALTH_URL="http://127.0.0.1:$port/healthz")
# Started directly (not through a shell function) so that $! is ngsync itself.
unshare --mount --propagation private -- /bin/sh -c "$rootfs_exec_script" rootfs-exec \
  "$rootfs" 10001:10001 "${image_env[@]}" "${sandbox_secrets[@]}" \
  /usr/local/bin/ngsync-entrypoint run >"$work/run.log" 2>&1 </dev/null &
ngsync_pid=$!
healthy=0
for _ in $(seq 1 150); do
  if as_image_user "${health_env[@]}" /bin/sh -c "$health_cmd" </dev/null 2>"$work/health.err"; then
    healthy=1
    break
  fi
  kill -0 "$ngsync_pid" 2>/dev/null || die "ngsync run exited: $(tail -5 "$work/run.log")"
  sleep 0.2
done
((healthy)) || die "the HEALTHCHECK ($health_cmd) never passed: $(cat "$work/health.err"; tail -5 "$work/run.log")"
say "ok: run; HEALTHCHECK passes: $health_cmd"
kill -TERM "$ngsync_pid"
rc=0
wait "$ngsync_pid" || rc=$?
ngsync_pid=""
((rc == 0)) || die "ngsync run exited $rc on SIGTERM: $(tail -5 "$work/run.log")"
say "ok: run stopped cleanly on SIGTERM"
say "PASSED (image root filesystem $(du -sh --one-file-system "$cached" | cut -f1))"
