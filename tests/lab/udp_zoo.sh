#!/usr/bin/env bash
# udp_zoo.sh: real UDP servers from Debian's packages, each with its own
# configuration in a temporary directory, started inside a lab target
# namespace (lab.sh), for the -sU lab tests.
#
#   udp_zoo.sh start NS DIR IP   starts what is installed; prints one line per
#                                port: PORT NAME PACKAGE; logs go to DIR/*.log
#   udp_zoo.sh stop DIR          kills what start started (DIR/pids)
#
# Every server binds IP (the target's address) inside NS; none is started on
# the host (see scripts/deps.sh). dnsmasq also binds TCP 53: bring the lab
# up with a --ports list without 53.
set -uo pipefail

cmd=${1:-}; shift || true

source "$(dirname "${BASH_SOURCE[0]}")/zoo_lib.sh"

start_dnsmasq() {
  _have /usr/sbin/dnsmasq || return
  _bg dnsmasq /usr/sbin/dnsmasq -k --conf-file=/dev/null --listen-address="$IP" --bind-interfaces \
    --port=53 --no-resolv --no-hosts --pid-file="$DIR/dnsmasq.pid" --user=root
  echo "53 domain dnsmasq-base"
}

start_snmpd() {
  _have /usr/sbin/snmpd || return
  # v1/v2c with the community "public" (what the probe asks) and any v3
  # engine answers discovery; -C: no other configuration file is read.
  printf 'agentaddress udp:%s:161\nrocommunity public\n' "$IP" >"$DIR/snmpd.conf"
  mkdir -p "$DIR/snmp"
  _bg snmpd env SNMP_PERSISTENT_DIR="$DIR/snmp" /usr/sbin/snmpd -f -C -c "$DIR/snmpd.conf" -Lo \
    -p "$DIR/snmpd.pid" -m ''

  echo "161 snmp snmpd"
}

start_chrony() {
  _have /usr/sbin/chronyd || return
  # An NTP server for anyone (allow), never touching the clock (-x), with
  # its command port off and its files in DIR.
  cat >"$DIR/chrony.conf" <<CONF
allow all
bindaddress $IP
port 123
cmdport 0
local stratum 8
pidfile $DIR/chronyd.pid
driftfile $DIR/chrony.drift
CONF
  _bg chronyd "$have" -d -x -U -u root -f "$DIR/chrony.conf"
  echo "123 ntp chrony"
}

start_rpcbind() {
  _have /usr/sbin/rpcbind || return
  # rpcbind keeps its socket and lock under /run: a private mount namespace
  # with its own /run/rpcbind keeps it apart from any rpcbind of the host.
  mkdir -p "$DIR/rpcbind-run"
  _bg rpcbind unshare -m sh -c "mount --bind '$DIR/rpcbind-run' /run && exec /usr/sbin/rpcbind -f -w -h '$IP'"
  echo "111 rpcbind rpcbind"
}

start_memcached() {
  _have /usr/bin/memcached || return
  _bg memcached /usr/bin/memcached -u nobody -l "$IP" -p 11211 -U 11211
  echo "11211 memcache memcached"
}

case $cmd in
  start)
    NS=$1 DIR=$2 IP=$3
    for s in dnsmasq snmpd chrony rpcbind memcached; do "start_$s"; done
    exit "$zoo_missing"
    ;;
  stop)
    DIR=$1
    [[ -f $DIR/pids ]] || exit 0
    while read -r pid; do kill -TERM -- "-$pid" 2>/dev/null; done <"$DIR/pids"
    sleep 0.3
    while read -r pid; do kill -KILL -- "-$pid" 2>/dev/null; done <"$DIR/pids"
    rm -f "$DIR/pids"
    ;;
  *) echo "usage: udp_zoo.sh start NS DIR IP | stop DIR" >&2; exit 2 ;;
esac
