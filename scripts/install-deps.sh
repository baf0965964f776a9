#!/usr/bin/env bash
# Installs every Debian 12 package ngsync needs to build, test and run its sandbox.
# Idempotent: when everything is present it only runs dpkg-query and exits.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpqxx-dev libpq-dev libspdlog-dev libfmt-dev libyaml-cpp-dev doctest-dev
  libssl-dev openssl libcli11-dev prometheus-cpp-dev
  libhowardhinnant-date-dev
  postgresql-15 postgresql-client-15
  curl ca-certificates python3 procps iproute2 util-linux time
)
# Test-only tools: systemd-analyze (checks deploy/systemd) and promtool (lints /metrics; Debian
# ships it in `prometheus`, which also enables a Prometheus server). NGSYNC_DEPS=runtime skips them.
# clang + its runtime libraries build the libFuzzer targets (scripts/fuzz.sh); clang-format and
# clang-tidy are scripts/lint.sh's; mmdebstrap and lintian test the image and the .deb
# (scripts/test-image-rootfs.sh, scripts/test-deb.sh). cmark-gfm (GitHub's Markdown parser)
# judges the Notion -> GFM converter's output in the core tests.
if [[ ${NGSYNC_DEPS:-all} != runtime ]]; then
  packages+=(systemd prometheus clang libclang-rt-14-dev clang-format clang-tidy mmdebstrap lintian
             libcmark-gfm-dev libcmark-gfm-extensions-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
