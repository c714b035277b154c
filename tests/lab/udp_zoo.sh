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
# up with a --ports list without 53. nmbd also binds 138 and the subnet's
# broadcast address (still inside NS); openvpn makes a tun device in NS.
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

start_xinetd() {  # xinetd's own UDP echo, daytime, chargen and time: silent to an empty datagram
  _have /usr/sbin/xinetd || return
  local svc port
  : >"$DIR/xinetd.conf"
  for svc in echo:7 daytime:13 chargen:19 time:37; do
    port=${svc#*:} svc=${svc%:*}
    printf 'service %s\n{\n  type = INTERNAL UNLISTED\n  id = %s-dgram\n  socket_type = dgram\n  protocol = udp\n  port = %s\n  wait = yes\n  user = root\n  bind = %s\n}\n' \
      "$svc" "$svc" "$port" "$IP" >>"$DIR/xinetd.conf"
  done
  _bg xinetd "$have" -dontfork -f "$DIR/xinetd.conf" -pidfile "$DIR/xinetd.pid"
  echo "7 echo xinetd"
  echo "13 daytime xinetd"
  echo "19 chargen xinetd"
  echo "37 time xinetd"
}

start_tftpd() {  # tftpd-hpa, serving an empty directory
  _have /usr/sbin/in.tftpd || return
  mkdir -p "$DIR/tftp"
  _bg tftpd /usr/sbin/in.tftpd -L -a "$IP:69" -s -u nobody "$DIR/tftp"
  echo "69 tftp tftpd-hpa"
}

start_nmbd() {  # Samba's NetBIOS name server alone (no smbd)
  _have /usr/sbin/nmbd || return
  local d=$DIR/samba
  mkdir -p "$d"/{private,state,cache,lock,pid}
  cat >"$DIR/smb.conf" <<EOF
[global]
  workgroup = ZOOLAB
  netbios name = ZOO
  server role = standalone server
  interfaces = $IP/24
  bind interfaces only = yes
  dns proxy = no
  private dir = $d/private
  state directory = $d/state
  cache directory = $d/cache
  lock directory = $d/lock
  pid directory = $d/pid
  log file = $DIR/nmbd_error.log
EOF
  _bg nmbd /usr/sbin/nmbd --foreground --no-process-group --debug-stdout -s "$DIR/smb.conf"
  echo "137 netbios-ns samba"
}

start_kamailio() {  # a SIP server over UDP that answers OPTIONS
  _have /usr/sbin/kamailio || return
  cat >"$DIR/kamailio.cfg" <<EOF
#!KAMAILIO
listen=udp:$IP:5060
children=2
log_stderror=yes
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "sl.so"
request_route {
  if (method == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
  sl_send_reply("404", "Not here");
}
EOF
  _bg kamailio /usr/sbin/kamailio -DD -E -f "$DIR/kamailio.cfg" -P "$DIR/kamailio.pid" -m 32 -M 8 -w "$DIR"
  echo "5060 sip kamailio"
}

start_openvpn() {  # a TLS-mode server over UDP; its tun device exists only in NS
  _have /usr/sbin/openvpn || return
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/ovpn-key.pem" -out "$DIR/ovpn-cert.pem" -days 20 \
    -subj "/CN=zoo.lab" >/dev/null 2>&1
  _bg openvpn /usr/sbin/openvpn --server 10.99.2.0 255.255.255.0 --topology subnet --dev tun \
    --proto udp --local "$IP" --lport 1194 --ca "$DIR/ovpn-cert.pem" --cert "$DIR/ovpn-cert.pem" \
    --key "$DIR/ovpn-key.pem" --dh none --verb 3 --writepid "$DIR/openvpn.pid"
  echo "1194 openvpn openvpn"
}

start_coap() {  # libcoap's example server (/.well-known/core, /time)
  _have /usr/bin/coap-server-notls || return
  _bg coap /usr/bin/coap-server-notls -A "$IP" -p 5683
  echo "5683 coap libcoap3-bin"
}

case $cmd in
  start)
    NS=$1 DIR=$2 IP=$3
    for s in dnsmasq snmpd chrony rpcbind memcached xinetd tftpd nmbd kamailio openvpn coap; do
      "start_$s"
    done
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
