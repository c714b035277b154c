#!/usr/bin/env bash
# Installs from Debian's packages what one purpose needs, and only what is
# missing (so a second run is quick and offline):
#
#   deps.sh run     building and running tojimari: compiler, CMake, the
#                   libraries it links. Never a server; never a removal.
#   deps.sh test    run's, plus what the test suite needs: test libraries and
#                   tools, nmap (the report tests read its XML), and the lab's
#                   real servers ("the zoo"). It never removes or replaces a
#                   package: a server that would (chrony pushes out
#                   systemd-timesyncd) is not installed but unpacked into
#                   .lab/pkgs/ and run from there by the lab scripts.
#   deps.sh tools   test's without the zoo: what building the tests and the
#                   unit tests need (test.sh installs the zoo beside the build).
#   deps.sh bench   test's, plus the peers bench/ measures (masscan, zmap).
#   deps.sh list run|tools|test|bench   prints the package list (for checks).
#   deps.sh plan run|tools|test|bench   prints what it would do, changing nothing:
#                   "install P..." and "unpack P..." lines.
#
# TJ_DPKG_STATUS=FILE: decide as if FILE were dpkg's status (the first-run
# check asks what a fresh Debian 12 would get: tests/install/first_run.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# libpcap, libxml2, libcurl and libpq are opened when a run first needs
# them, not linked (src/core/dynlib.h): their -dev packages bring the headers
# and, as dependencies, the runtime libraries (libpcap0.8, libxml2, libcurl4,
# libpq5) that a run loads.
run_packages=(
  cmake ninja-build g++ pkg-config          # build
  libfmt-dev nlohmann-json3-dev             # formatting, JSON output
  libpcap-dev                               # compiles capture filters into kernel BPF
  libpcre2-dev                              # -sV: the signatures are PCRE2 regular expressions
  libssl-dev                                # -sV: TLS handshakes and certificates
  libxml2-dev                               # reads nmap-format XML reports back (audit, history, diff)
  libsqlite3-dev libpq-dev                  # the scan history: SQLite (default), PostgreSQL (--db postgresql://)
  libtoml11-dev                             # audit: policy files and the risk knowledge base
  libcurl4-openssl-dev                      # watch: webhook alerts
)
test_packages=(
  ccache                                    # cheap rebuilds across the suite's build directories
  libgtest-dev libgmock-dev                 # unit tests
  clang libclang-rt-14-dev                  # libFuzzer targets
  iproute2 nftables procps                  # the test lab: namespaces, veth, filtering
  iptables libnetfilter-queue-dev           # the lab's delay line (NFQUEUE)
  libcap2-bin util-linux                    # setcap and setpriv: the least-privilege tests
  curl                                      # tests scrape watch's /metrics
  ndiff xsltproc libxml2-utils nmap-common  # report tests: nmap's readers of -oX (ndiff, nmap.xsl, nmap.dtd)
  nmap                                      # report lab test: nmap's own -oX read beside tojimari's
  python3-jsonschema                        # report tests: -oJ against docs/tojimari-scan.schema.json
  time                                      # /usr/bin/time: peak memory of the breadth test
  openssl                                   # test certificates
  python3                                   # -sV lab: the hostile servers
  tmux                                      # progress lab test: a real terminal for the live line
  dpkg-dev lintian man-db bash-completion zsh  # the .deb (dpkg-shlibdeps), its checks, man page and completions
)
# Servers the lab starts inside its namespaces (tests/lab/service_zoo.sh,
# udp_zoo.sh), each with its own configuration; never on the host.
# postgresql: also the history tests' private server (unix socket only).
zoo_packages=(
  openssh-server nginx apache2 lighttpd mariadb-server postgresql redis-server memcached
  vsftpd postfix dovecot-imapd dovecot-pop3d dnsmasq mosquitto stunnel4
  samba xrdp                                # SMB (smbd only) and RDP (xrdp, no desktop needed)
  snmpd chrony rpcbind                      # the -sU zoo (dnsmasq and memcached serve UDP too)
  mpd tigervnc-standalone-server distcc nats-server etcd-server clamav-daemon unbound pptpd
  openvpn nbd-server gpsd kamailio iperf3 pgbouncer  # more protocol families for -sV (service_zoo.sh)
  tftpd-hpa libcoap3-bin xinetd             # more for -sU (udp_zoo.sh; nmbd comes with samba)
)
bench_packages=(masscan zmap jq             # the peers bench/ measures against (nmap is above); jq reads their reports
  # bench/service_generalization.sh: servers the tests never start (bench/bench_zoo.sh runs each in
  # the lab's target namespace with its own configuration; never on the host). None of them may
  # remove a package: proftpd-basic and pure-ftpd (vsftpd), exim4 (postfix) and courier-imap
  # (dovecot) would, so `bench/bench_zoo.sh unpack` unpacks those into .lab/pkgs/ instead;
  # opensmtpd (postfix) and cyrus-imapd (dovecot) are left out, and ircd-hybrid conflicts
  # with ngircd.
  slapd bind9 squid varnish haproxy tomcat10 rabbitmq-server ngircd prosody subversion
  xinetd inetutils-telnetd cups redis-sentinel dropbear-bin tinyproxy icecast2 webfs mini-httpd
  influxdb nut-server munin-node gearman-job-server beanstalkd knot dante-server gunicorn
  privoxy nagios-nrpe-server zabbix-agent cvs coturn
  courier-base libgamin0 libmemcachedutil2  # what the unpacked courier-imap and proftpd need (bench_zoo.sh unpack)
)

what=${1:-}
mode=install
if [[ $what == list || $what == plan ]]; then mode=$what; what=${2:-}; fi
case $what in
  run) servers=(); packages=("${run_packages[@]}") ;;
  tools) servers=(); packages=("${run_packages[@]}" "${test_packages[@]}") ;;
  test) servers=("${zoo_packages[@]}"); packages=("${run_packages[@]}" "${test_packages[@]}") ;;
  bench) servers=("${zoo_packages[@]}"); packages=("${run_packages[@]}" "${test_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: deps.sh [list|plan] run|tools|test|bench" >&2; exit 2 ;;
esac
if [[ $mode == list ]]; then
  printf '%s\n' "${packages[@]}" "${servers[@]}"
  exit 0
fi

apt_opts=()
[[ -n ${TJ_DPKG_STATUS:-} ]] && apt_opts=(-o "Dir::State::status=$TJ_DPKG_STATUS")
status_file=${TJ_DPKG_STATUS:-/var/lib/dpkg/status}
installed() {  # the packages among "$@" that the status file holds as installed
  /usr/bin/python3 - "$status_file" "$@" << 'PY'
import sys
want = set(sys.argv[2:])
for stanza in open(sys.argv[1], encoding='utf-8', errors='replace').read().split('\n\n'):
    name = status = None
    for line in stanza.split('\n'):
        if line.startswith('Package: '): name = line[9:].strip()
        elif line.startswith('Status: '): status = line[8:].strip()
    if name in want and status == 'install ok installed': print(name)
PY
}
missing_of() {
  local have
  have=" $(installed "$@" | tr '\n' ' ') "
  for p in "$@"; do [[ $have == *" $p "* ]] || echo "$p"; done
}
# removes P...: sets $gone to what `apt-get install P...` would remove
# (apt's simulation, no root needed); apt failing to plan ends the script.
removes() {
  local out
  if ! out=$(apt-get -s "${apt_opts[@]}" install --no-install-recommends "$@" 2>&1); then
    echo "deps.sh: apt cannot plan the install of $*:" >&2
    grep '^E:' <<< "$out" >&2 || true
    exit 2
  fi
  gone=$(awk '/^Remv /{print $2}' <<< "$out" | tr '\n' ' ')
}
# A package's direct dependencies: the first choice of each group, without
# versions or architecture qualifiers.
depends_of() {
  apt-cache show --no-all-versions "$1" | awk -F': ' '/^(Pre-)?Depends: /{print $2}' | tr ',' '\n' |
    sed -E 's/\|.*//; s/\(.*\)//; s/:any//; s/[[:space:]]//g' | grep -v '^$' | sort -u
}

mapfile -t missing < <(missing_of "${packages[@]}")
mapfile -t missing_servers < <(((${#servers[@]})) && missing_of "${servers[@]}")
# Unpacked servers count as present once their files are there.
still=()
for s in "${missing_servers[@]}"; do [[ -d $root/.lab/pkgs/$s ]] || still+=("$s"); done
missing_servers=("${still[@]}")
if ((${#missing[@]} + ${#missing_servers[@]} == 0)); then
  [[ $mode == plan ]] && printf 'install\nunpack\n'
  exit 0
fi
if [[ $mode == install ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "deps.sh: installing packages needs root (run as root or with sudo); missing: ${missing[*]} ${missing_servers[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
fi
gone=
# Servers go in with the rest unless that would remove something; then the
# servers are halved until each one that removes a package is found (a dozen
# of apt's simulations for one culprit among fifty, each about 2 s), and
# those are unpacked instead.
unpack=()
keep=()
split_removers() {  # servers "$@" join keep[] unless they remove a package
  (($#)) || return 0
  removes "${missing[@]}" "${keep[@]}" "$@"
  if [[ -z $gone ]]; then
    keep+=("$@")
  elif (($# == 1)); then
    unpack+=("$1")
    mapfile -t -O "${#missing[@]}" missing < <(missing_of $(depends_of "$1"))
  else
    local half=$(($# / 2))
    split_removers "${@:1:half}"
    split_removers "${@:half+1}"
  fi
}
if ((${#missing_servers[@]})) && removes "${missing[@]}" "${missing_servers[@]}" && [[ -n $gone ]]; then
  half=$((${#missing_servers[@]} / 2))
  split_removers "${missing_servers[@]:0:half}"
  split_removers "${missing_servers[@]:half}"
  missing_servers=("${keep[@]}")
fi
all=("${missing[@]}" "${missing_servers[@]}")

if [[ $mode == plan ]]; then
  echo "install ${all[*]}"
  echo "unpack ${unpack[*]}"
  exit 0
fi
if ((${#all[@]})); then
  echo "installing: ${all[*]}"
  # The last line of defence: nothing is installed if apt would remove anything.
  removes "${all[@]}"
  if [[ -n $gone ]]; then
    echo "deps.sh: installing ${all[*]} would remove $gone; nothing installed" >&2
    exit 2
  fi
  # postfix asks questions unless told; "No configuration" leaves it idle.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  # A server must never start on the host's real interfaces: Debian's
  # policy-rc.d hook (exit 101) keeps every package from starting its service
  # during the install; ours is removed afterwards.
  own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get install -y -qq --no-install-recommends "${all[@]}"
  if ((own_policy)); then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
  # Where systemd runs, the servers' packages enable their units for the next
  # boot: disable them (and stop any that started anyway).
  if ((${#missing_servers[@]})) && [[ -d /run/systemd/system ]]; then
    for unit in ssh nginx apache2 lighttpd mariadb postgresql redis-server memcached vsftpd \
                postfix dovecot dnsmasq mosquitto stunnel4 smbd nmbd samba-ad-dc xrdp xrdp-sesman \
                snmpd rpcbind rpcbind.socket mpd mpd.socket nats-server etcd clamav-daemon \
                clamav-freshclam unbound pptpd openvpn nbd-server gpsd gpsd.socket kamailio iperf3 \
                pgbouncer tftpd-hpa xinetd; do
      systemctl disable --now "$unit" > /dev/null 2>&1 || true
    done
  fi
fi
# Unpacked, not installed: the package's files under .lab/pkgs/NAME, its
# libraries installed above; dpkg never hears of it.
for s in "${unpack[@]}"; do
  echo "unpacking (not installing, it would remove a package): $s"
  tmp=$(mktemp -d)
  chmod 755 "$tmp"  # apt's download runs as _apt where it can
  (cd "$tmp" && apt-get download -qq "$s")
  mkdir -p "$root/.lab/pkgs"
  dpkg-deb -x "$tmp"/*.deb "$tmp/root"
  mv "$tmp/root" "$root/.lab/pkgs/$s"
  rm -rf "$tmp"
done
