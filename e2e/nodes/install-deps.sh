#!/usr/bin/env bash
# Installs the Debian packages that real e2e nodes and their images need, only those missing.
#   libseccomp-dev  runc's seccomp support (cgo, -tags seccomp)
#   iptables nftables conntrack ipset  kube-proxy (nftables mode), kube-router's NetworkPolicy controller (iptables + ipset)
#   mmdebstrap      the member image's Debian root filesystem (e2e/image/build.sh)
#   iproute2 util-linux (nsenter) procps kmod  node network namespaces, process checks
#   busybox-static  the static `cp` of the user-code image that e2e scenario (r) builds (e2e/fixtures/user-code/)
# Runs `apt-get update` first when something has to be installed. Needs root. Safe to run again.
set -euo pipefail

packages=(libseccomp-dev pkg-config gcc libc6-dev iptables nftables conntrack ipset mmdebstrap
  iproute2 util-linux procps kmod ca-certificates
  busybox-static)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all present"
  exit 0
fi
if [[ $EUID -ne 0 ]]; then
  echo "install-deps: missing ${missing[*]}; run as root" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
