#!/usr/bin/env bash
# Installs what tojimari needs to build and test, from Debian's packages only,
# and only what is missing (so a second run is quick and offline).
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config          # build
  ccache                                    # build: cheap rebuilds across build directories
  libfmt-dev nlohmann-json3-dev             # formatting, JSON output
  libpcap-dev                               # compiles capture filters into kernel BPF
  libxml2-dev                               # reads nmap-format XML reports back (audit, history, diff)
  libcurl4-openssl-dev curl                 # watch: webhook alerts (libcurl); tests scrape /metrics with curl
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
  libsqlite3-dev libpq-dev                  # the scan history: SQLite (default), PostgreSQL (--db postgresql://)
  postgresql                                # history tests: a private server (runs as nobody, unix socket only)
  libtoml11-dev                             # audit: policy files and the risk knowledge base (TOML, errors with lines)
  python3                                   # -sV lab: the hostile servers
  tmux                                      # progress lab test: a real terminal for the live line
  nmap                                      # report lab test: nmap's own -oX read beside tojimari's
)
# The -sV lab's "service zoo" (tests/lab/service_zoo.sh): real servers, each
# started by the test inside a lab namespace with its own configuration.
# They must not run on the host: see the install step below.
zoo=(
  openssh-server nginx apache2 lighttpd mariadb-server postgresql redis-server memcached
  vsftpd postfix dovecot-imapd dovecot-pop3d dnsmasq mosquitto stunnel4
  samba xrdp                                # SMB (smbd only) and RDP (xrdp, no desktop needed)
)
packages+=("${zoo[@]}")
# The -sU lab's UDP servers (tests/lab/udp_zoo.sh), started the same way;
# dnsmasq and memcached above serve UDP too.
udp_zoo=(snmpd chrony rpcbind)
packages+=("${udp_zoo[@]}")
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(masscan zmap)                  # the peers the benchmarks compare against (nmap is above)
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
  # postfix asks questions unless told; "No configuration" leaves it idle.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  # The zoo's servers must never start on the host's real interfaces:
  # Debian's policy-rc.d hook (exit 101) keeps every package from starting
  # its service during the install; ours is removed afterwards.
  own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if ((own_policy)); then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
  # Where systemd runs, the packages enable their units for the next boot:
  # disable them (and stop any that started anyway).
  if [[ -d /run/systemd/system ]]; then
    for unit in ssh nginx apache2 lighttpd mariadb postgresql redis-server memcached vsftpd \
                postfix dovecot dnsmasq mosquitto stunnel4 smbd nmbd samba-ad-dc xrdp xrdp-sesman \
                snmpd chrony rpcbind rpcbind.socket; do
      systemctl disable --now "$unit" >/dev/null 2>&1 || true
    done
  fi
fi
