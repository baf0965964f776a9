# Sourced by scripts/test-image-rootfs.sh and scripts/test-deb.sh: a cached Debian 12 root
# filesystem made by mmdebstrap from this machine's apt sources.
#
#   rootfs_cached NAME KEY_TEXT [mmdebstrap args...]   prints the cached directory
#
# The cache lives in $NGSYNC_ROOTFS_CACHE/NAME-<hash> (default ~/.cache/ngsync-rootfs, beside
# ccache's, so CI's fresh clones share it), the hash taken over what decides the
# contents: KEY_TEXT (e.g. a package list), the mmdebstrap arguments, the apt sources and this
# file. A new hash builds a new root filesystem (minutes, network); an old one is reused at once.
# Older entries of the same NAME are deleted. Needs root (mmdebstrap's root mode, chroot). The
# archive moves on (security updates) while a cache entry stays: delete the cache directory to
# test against today's packages.

rootfs_sources() {
  # The machine's Debian sources, as mmdebstrap's MIRROR argument (a file is pasted into the
  # chroot's apt sources); the default mirror when there is none.
  local f
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    if [[ -s $f ]] && grep -q '^[^#]*debian' "$f"; then echo "$f"; return; fi
  done
  echo http://deb.debian.org/debian
}

rootfs_cache_dir() { echo "${NGSYNC_ROOTFS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ngsync-rootfs}"; }

rootfs_cached() {
  local name=$1 key_text=$2
  shift 2
  local cache hash dir sources
  cache=$(rootfs_cache_dir)
  sources=$(rootfs_sources)
  hash=$( { printf '%s\n' "$key_text" "$@" "$sources"; cat "$sources" 2>/dev/null
            cat "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-16)
  dir=$cache/$name-$hash
  if [[ -f $dir/.complete ]]; then
    echo "rootfs: reusing $dir" >&2
    echo "$dir"
    return
  fi
  command -v mmdebstrap >/dev/null ||
    { echo "rootfs: mmdebstrap is missing (scripts/install-deps.sh installs it)" >&2; return 1; }
  mkdir -p "$cache"
  local entry
  for entry in "$cache/$name"-*; do
    [[ -e $entry && $entry != "$dir" ]] && rm -rf --one-file-system "$entry"
  done
  rm -rf --one-file-system "$dir" "$dir.tmp"
  echo "rootfs: building $dir with mmdebstrap (from $sources)" >&2
  mmdebstrap --quiet --mode=root --format=directory "$@" bookworm "$dir.tmp" "$sources" >&2
  touch "$dir.tmp/.complete"
  mv "$dir.tmp" "$dir"
  echo "$dir"
}

# A private copy of a cached root filesystem for one test run (the cache stays pristine).
rootfs_copy() {
  local from=$1 to=$2
  rm -rf --one-file-system "$to"
  cp -a --reflink=auto "$from" "$to"
}

# Runs a command inside ROOT with /proc, /dev and the host's network (loopback): a private mount
# namespace, so the mounts disappear with the process. USERSPEC like 10001:10001, or root.
# unshare, sh and chroot each exec the next, so `rootfs_exec_cmd ... &` leaves $! the command's pid.
rootfs_exec_script='r=$1 u=$2; shift 2
mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" || exit 125
exec chroot --userspec="$u" "$r" "$@"'
rootfs_exec() {
  local rootdir=$1 userspec=$2
  shift 2
  unshare --mount --propagation private -- /bin/sh -c "$rootfs_exec_script" rootfs-exec \
    "$rootdir" "$userspec" "$@"
}
