#!/usr/bin/env bash
# Installs what tojimari needs to build and test, from Debian's packages only,
# and only what is missing (so a second run is quick and offline).
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config          # build
  libfmt-dev nlohmann-json3-dev             # formatting, JSON output
  libpcap-dev                               # compiles capture filters into kernel BPF
  libgtest-dev libgmock-dev                 # unit tests
  clang libclang-rt-14-dev                  # libFuzzer targets
  iproute2 nftables procps                  # the test lab: namespaces, veth, filtering
  iptables libnetfilter-queue-dev           # the lab's delay line (NFQUEUE)
  libcap2-bin util-linux                    # setcap and setpriv: the least-privilege tests
  ndiff xsltproc libxml2-utils nmap-common  # report tests: nmap's readers of -oX (ndiff, nmap.xsl, nmap.dtd)
  python3-jsonschema                        # report tests: -oJ against docs/tojimari-scan.schema.json
  time                                      # /usr/bin/time: peak memory of the breadth test
  libpcre2-dev                              # -sV: the signatures are PCRE2 regular expressions
  libssl-dev openssl                        # -sV: TLS handshakes and certificates; test certificates
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(nmap masscan zmap)             # the peers the benchmarks compare against
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "deps.sh: installing packages needs root (run as root or with sudo)" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
