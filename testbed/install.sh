#!/usr/bin/env bash
# Installs what the test bed runs: BIND 9, its client tools and openssl from the
# machine's own Debian suite, and Pebble >= 2.10 unpacked from Debian sid into
# testbed/.cache/pebble/. Bookworm ships Pebble 2.4, which has no ARI endpoint.
#
# Idempotent: installed packages and a cached Pebble are left alone, so a second
# run only checks them. Installing packages needs root; fetching Pebble does not.
#
# Environment:
#   TESTBED_DEBIAN_MIRROR  Debian mirror URI for sid (default: the first Debian
#                          mirror in the machine's apt sources).
set -euo pipefail

testbed_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pebble_dir="$testbed_dir/.cache/pebble"
min_pebble_version=2.10
debian_keyring=/usr/share/keyrings/debian-archive-keyring.gpg
packages=(bind9 bind9-dnsutils openssl)
work_dirs=()

remove_work_dirs() {
  if [ ${#work_dirs[@]} -gt 0 ]; then
    rm -rf "${work_dirs[@]}"
  fi
}
trap remove_work_dirs EXIT

fail() {
  echo "testbed/install.sh: $*" >&2
  exit 1
}

note() {
  echo "testbed/install.sh: $*" >&2
}

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

require_debian_tools() {
  local tool
  for tool in apt-get dpkg dpkg-deb dpkg-query; do
    command -v "$tool" >/dev/null ||
      fail "$tool not found: the test bed installs its servers from Debian packages and needs a Debian-based system."
  done
}

install_system_packages() {
  local missing=() package
  for package in "${packages[@]}"; do
    is_installed "$package" || missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return
  fi

  if [ "$(id -u)" -ne 0 ]; then
    fail "missing packages: ${missing[*]}. Run this script as root (sudo $0) or install them with apt-get."
  fi

  note "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A stale or empty package list is the usual reason an install fails, so the
  # list is refreshed only after a failed install. A prepared machine stays offline.
  if ! apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -q >/dev/null ||
      fail "apt-get update failed; check the apt sources and the network to the Debian mirror."
    apt-get install -y -q "${missing[@]}" >/dev/null ||
      fail "cannot install ${missing[*]} with apt-get; check that the apt sources provide them."
  fi
}

# Prints the first Debian archive mirror named in the apt sources, skipping the
# security archive, which carries no sid suite.
find_debian_mirror() {
  if [ -n "${TESTBED_DEBIAN_MIRROR:-}" ]; then
    echo "$TESTBED_DEBIAN_MIRROR"
    return
  fi

  local uri
  uri=$(
    {
      grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | sed 's/^URIs:[[:space:]]*//' | tr ' ' '\n'
      grep -hsE '^deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
        sed -E 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' | awk '{ print $1 }'
    } | grep -E '^https?://' | grep -v -- '-security' | grep -E '/debian/?$' | head -n 1
  ) || true
  [ -n "$uri" ] ||
    fail "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list; set TESTBED_DEBIAN_MIRROR to one, for example http://deb.debian.org/debian."
  echo "$uri"
}

cached_pebble_version() {
  if [ -x "$pebble_dir/usr/bin/pebble" ] && [ -s "$pebble_dir/VERSION" ]; then
    cat "$pebble_dir/VERSION"
  fi
}

# Downloads the pebble package from sid into <work>/deb. It uses its own sources
# list, lists folder and cache, so the machine's apt state is untouched.
download_pebble_deb() {
  local work=$1 mirror
  mirror=$(find_debian_mirror)
  [ -r "$debian_keyring" ] ||
    fail "$debian_keyring not found: install the debian-archive-keyring package so sid's Release file can be verified."

  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"
  cat >"$work/sid.sources" <<EOF
Types: deb
URIs: $mirror
Suites: sid
Components: main
Signed-By: $debian_keyring
EOF
  # apt drops to the _apt user to download; let it write into the work folder.
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
    chown -R _apt "$work/lists" "$work/deb"
  fi

  local apt_options=(
    -o "Dir::Etc::sourcelist=$work/sid.sources"
    -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$work/lists"
    -o "Dir::Cache=$work/cache"
  )
  note "fetching the sid package list from $mirror"
  if ! apt-get "${apt_options[@]}" update -q >"$work/update.log" 2>&1; then
    tail -n 5 "$work/update.log" >&2
    fail "apt-get update for sid at $mirror failed (signature checking is on, with $debian_keyring). If the Release signature cannot be verified, update debian-archive-keyring."
  fi
  (cd "$work/deb" && apt-get "${apt_options[@]}" download -q pebble >"$work/download.log" 2>&1) || {
    tail -n 5 "$work/download.log" >&2
    fail "apt-get download pebble from sid at $mirror failed."
  }
}

install_pebble() {
  local cached
  cached=$(cached_pebble_version)
  if [ -n "$cached" ] && dpkg --compare-versions "$cached" ge "$min_pebble_version"; then
    return
  fi

  local work
  work=$(mktemp -d)
  work_dirs+=("$work")
  download_pebble_deb "$work"

  local deb version
  deb=$(ls "$work"/deb/pebble_*.deb)
  version=$(dpkg-deb -f "$deb" Version)
  # The binary prints "dev" for -version, so the package version is the record.
  dpkg --compare-versions "$version" ge "$min_pebble_version" ||
    fail "sid offers pebble $version, older than the $min_pebble_version this test bed needs for ARI and profiles."

  rm -rf "$pebble_dir.partial"
  mkdir -p "$pebble_dir.partial"
  dpkg-deb -x "$deb" "$pebble_dir.partial"
  echo "$version" >"$pebble_dir.partial/VERSION"
  rm -rf "$pebble_dir"
  mv "$pebble_dir.partial" "$pebble_dir"
  note "pebble $version unpacked into $pebble_dir"
}

require_debian_tools
install_system_packages
install_pebble
