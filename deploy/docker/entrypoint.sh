#!/bin/sh
# The container's entrypoint: resolves secrets, checks the config file is there, then execs
# ngsync, which becomes PID 1 and gets `docker stop`'s SIGTERM itself (graceful drain).
#
# - The config file is $NGSYNC_CONFIG (default /etc/ngsync/ngsync.yaml), mounted read-only.
# - Secrets come from the environment. For Docker/Compose secrets, set NAME_FILE=/run/secrets/x
#   instead of NAME: the file's content (trailing newline removed) becomes NAME. Applies to every
#   variable ending in _FILE whose target NAME is unset.
# - Arguments are an ngsync subcommand and its flags (default: run). `check-config` and
#   `setup-notion` work the same way.
set -eu

NGSYNC_CONFIG=${NGSYNC_CONFIG:-/etc/ngsync/ngsync.yaml}
export NGSYNC_CONFIG
NGSYNC_BIN=${NGSYNC_BIN:-/usr/local/bin/ngsync}

# NAME_FILE -> NAME, without ever printing a value.
for pair in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)_FILE=.*/\1/p'); do
  name=$pair
  current="" file=""
  eval "current=\${$name:-}"
  eval "file=\${${name}_FILE}"
  if [ -n "$current" ]; then
    echo "ngsync-entrypoint: both $name and ${name}_FILE are set; using $name" >&2
    continue
  fi
  if [ ! -r "$file" ]; then
    echo "ngsync-entrypoint: ${name}_FILE=$file is not a readable file" >&2
    exit 2
  fi
  value=$(cat "$file")
  export "$name=$value"
  unset "${name}_FILE"
done

# Commands that read no configuration run without one (`docker run IMAGE version`).
case ${1:-} in
  version | help | --help | -h) exec "$NGSYNC_BIN" "$@" ;;
esac

if [ ! -r "$NGSYNC_CONFIG" ]; then
  echo "ngsync-entrypoint: no config at $NGSYNC_CONFIG: mount one (e.g. -v ./ngsync.yaml:$NGSYNC_CONFIG:ro);" \
       "deploy/config/ngsync.example.yaml is a template" >&2
  exit 2
fi

if [ $# -eq 0 ]; then set -- run; fi
exec "$NGSYNC_BIN" --config "$NGSYNC_CONFIG" "$@"
