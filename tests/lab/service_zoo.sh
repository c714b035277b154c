#!/usr/bin/env bash
# service_zoo.sh: real servers from Debian's packages, each with its own
# configuration in a temporary directory, started inside a lab target
# namespace (lab.sh) on known ports, for the -sV lab tests.
#
#   service_zoo.sh start NS DIR IP   starts what is installed; prints one line
#                                    per port: PORT NAME PACKAGE TUNNEL
#                                    (TUNNEL: "ssl" for TLS from the first
#                                    byte, "starttls" for a plain service
#                                    that upgrades on request, "-" for plain
#                                    only); logs go to DIR/*.log
#   service_zoo.sh stop DIR          kills what start started (process groups in DIR/pids)
#   service_zoo.sh hostile NS DIR IP PORT... tarpit, endless banner, garbage,
#                                    broken TLS on these four ports
#
# Nothing listens outside the namespace: every server binds IP (the
# target's address) or lives only in NS. Installing the packages must not
# start them on the host (policy-rc.d in containers; see scripts/deps.sh).
set -uo pipefail

cmd=${1:-}; shift || true

source "$(dirname "${BASH_SOURCE[0]}")/zoo_lib.sh"

_cert() {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/key.pem" -out "$DIR/cert.pem" -days 20 \
    -subj "/CN=zoo.lab/O=tojimari lab" -addext "subjectAltName=DNS:zoo.lab,IP:$IP" >/dev/null 2>&1
  chmod 644 "$DIR/key.pem" "$DIR/cert.pem"
}

start_ssh() {
  _have /usr/sbin/sshd || return
  mkdir -p /run/sshd
  ssh-keygen -q -t ed25519 -N '' -f "$DIR/ssh_host_ed25519_key"
  printf 'Port 2222\nListenAddress %s\nHostKey %s/ssh_host_ed25519_key\nPidFile %s/sshd.pid\nUsePAM no\n' \
    "$IP" "$DIR" "$DIR" >"$DIR/sshd_config"
  _bg sshd /usr/sbin/sshd -D -e -f "$DIR/sshd_config"
  echo "2222 ssh openssh-server -"
}

start_nginx() {
  _have /usr/sbin/nginx || return
  mkdir -p "$DIR/nginx"
  cat >"$DIR/nginx.conf" <<EOF
daemon off; user root; pid $DIR/nginx.pid; error_log $DIR/nginx_error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $DIR/nginx/body; proxy_temp_path $DIR/nginx/proxy;
  fastcgi_temp_path $DIR/nginx/fcgi; uwsgi_temp_path $DIR/nginx/uwsgi; scgi_temp_path $DIR/nginx/scgi;
  server { listen $IP:80; root $DIR/www; }
  server { listen $IP:443 ssl; root $DIR/www; ssl_certificate $DIR/cert.pem; ssl_certificate_key $DIR/key.pem; }
}
EOF
  _bg nginx /usr/sbin/nginx -c "$DIR/nginx.conf" -p "$DIR/nginx"
  echo "80 http nginx -"
  echo "443 http nginx ssl"
}

start_apache() {
  _have /usr/sbin/apache2 || return
  local m=/usr/lib/apache2/modules
  cat >"$DIR/apache2.conf" <<EOF
ServerRoot $DIR
LoadModule mpm_event_module $m/mod_mpm_event.so
LoadModule authz_core_module $m/mod_authz_core.so
Listen $IP:8081
ServerName zoo.lab
PidFile $DIR/apache2.pid
ErrorLog $DIR/apache2_error.log
Mutex file:$DIR default
User www-data
Group www-data
DocumentRoot $DIR/www
EOF
  _bg apache2 /usr/sbin/apache2 -f "$DIR/apache2.conf" -DFOREGROUND
  echo "8081 http apache2 -"
}

start_lighttpd() {
  _have /usr/sbin/lighttpd || return
  printf 'server.document-root = "%s/www"\nserver.bind = "%s"\nserver.port = 33080\nserver.pid-file = "%s/lighttpd.pid"\nserver.errorlog = "%s/lighttpd_error.log"\n' \
    "$DIR" "$IP" "$DIR" "$DIR" >"$DIR/lighttpd.conf"
  _bg lighttpd /usr/sbin/lighttpd -D -f "$DIR/lighttpd.conf"
  echo "33080 http lighttpd -"
}

start_mariadb() {
  _have /usr/sbin/mariadbd || return
  mkdir -p "$DIR/mysql"
  mariadb-install-db --no-defaults --user=root --datadir="$DIR/mysql" --skip-test-db \
    --auth-root-authentication-method=normal >"$DIR/mariadb-install.log" 2>&1 || return
  _bg mariadb /usr/sbin/mariadbd --no-defaults --user=root --datadir="$DIR/mysql" \
    --socket="$DIR/mysql.sock" --pid-file="$DIR/mysql.pid" --bind-address="$IP" --port=3306 \
    --skip-grant-tables --skip-name-resolve --log-error="$DIR/mariadb_error.log"
  echo "3306 mysql mariadb-server -"
}

start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [[ -n $bin ]] || { _have /usr/lib/postgresql/VERSION/bin/postgres; return; }
  mkdir -p "$DIR/pg" && chown postgres "$DIR/pg"
  runuser -u postgres -- "$bin/initdb" -D "$DIR/pg" -A trust >"$DIR/initdb.log" 2>&1 || return
  # TLS on request (SSLRequest); the server wants its key private and its own.
  install -o postgres -m 600 "$DIR/key.pem" "$DIR/pg/zoo-key.pem"
  install -o postgres -m 644 "$DIR/cert.pem" "$DIR/pg/zoo-cert.pem"
  _bg postgres runuser -u postgres -- "$bin/postgres" -D "$DIR/pg" -k "$DIR/pg" -h "$IP" -p 5432 \
    -c ssl=on -c ssl_cert_file=zoo-cert.pem -c ssl_key_file=zoo-key.pem
  echo "5432 postgresql postgresql starttls"
}

start_redis() {
  _have /usr/bin/redis-server || return
  printf 'bind %s\nport 6379\nprotected-mode no\ndaemonize no\ndir %s\nsave ""\nappendonly no\n' \
    "$IP" "$DIR" >"$DIR/redis.conf"
  _bg redis /usr/bin/redis-server "$DIR/redis.conf"
  echo "6379 redis redis-server -"
}

start_stunnel() {  # TLS in front of redis
  _have /usr/bin/stunnel4 || return
  printf 'foreground = yes\npid = %s/stunnel.pid\n[redis-tls]\naccept = %s:6380\nconnect = %s:6379\ncert = %s/cert.pem\nkey = %s/key.pem\n' \
    "$DIR" "$IP" "$IP" "$DIR" "$DIR" >"$DIR/stunnel.conf"
  _bg stunnel /usr/bin/stunnel4 "$DIR/stunnel.conf"
  echo "6380 redis redis-server ssl"
}

start_memcached() {
  _have /usr/bin/memcached || return
  _bg memcached /usr/bin/memcached -u nobody -l "$IP" -p 11211 -U 0
  echo "11211 memcached memcached -"
}

start_vsftpd() {
  _have /usr/sbin/vsftpd || return
  mkdir -p "$DIR/empty"
  printf 'listen=YES\nlisten_ipv6=NO\nlisten_address=%s\nlisten_port=21\nbackground=NO\nanonymous_enable=YES\nno_anon_password=YES\nanon_root=%s/empty\nlocal_enable=NO\nsecure_chroot_dir=%s/empty\n' \
    "$IP" "$DIR" "$DIR" >"$DIR/vsftpd.conf"
  # AUTH TLS; vsftpd's own default cipher list (DES-CBC3-SHA) is gone from OpenSSL 3.
  printf 'ssl_enable=YES\nallow_anon_ssl=YES\nssl_ciphers=HIGH\nrsa_cert_file=%s/cert.pem\nrsa_private_key_file=%s/key.pem\n' \
    "$DIR" "$DIR" >>"$DIR/vsftpd.conf"
  _bg vsftpd /usr/sbin/vsftpd "$DIR/vsftpd.conf"
  echo "21 ftp vsftpd starttls"
}

start_postfix() {
  _have /usr/lib/postfix/sbin/master || return
  local c=$DIR/postfix q=$DIR/postfix-spool
  mkdir -p "$c" "$q/pid" "$q/public" "$q/private" "$DIR/postfix-data"
  chown postfix "$DIR/postfix-data" "$q/public" "$q/private"
  cat >"$c/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $q
data_directory = $DIR/postfix-data
inet_interfaces = $IP
inet_protocols = ipv4
myhostname = zoo.lab
mydestination =
smtpd_peername_lookup = no
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
maillog_file = /dev/stdout
# Debian's own main.cf sets this banner; ours is written from scratch.
smtpd_banner = \$myhostname ESMTP \$mail_name (Debian/GNU)
# STARTTLS with the zoo's certificate
smtpd_tls_security_level = may
smtpd_tls_cert_file = $DIR/cert.pem
smtpd_tls_key_file = $DIR/key.pem
EOF
  # smtpd needs proxymap (recipient maps) and anvil; postlogd writes the
  # log to master's standard output, which _bg sends to DIR/postfix.log.
  printf '%s\n' 'smtp inet n - n - - smtpd' 'postlog unix-dgram n - n - 1 postlogd' \
    'proxymap unix - - n - - proxymap' 'anvil unix - - n - 1 anvil' \
    'tlsmgr unix - - n 1000? 1 tlsmgr' >"$c/master.cf"
  _bg postfix /usr/lib/postfix/sbin/master -c "$c" -d
  echo "25 smtp postfix starttls"
}

start_dovecot() {
  _have /usr/sbin/dovecot || return
  mkdir -p "$DIR/dovecot-run" "$DIR/dovecot-state"
  cat >"$DIR/dovecot.conf" <<EOF
protocols = imap pop3
listen = $IP
base_dir = $DIR/dovecot-run
state_dir = $DIR/dovecot-state
log_path = $DIR/dovecot_error.log
ssl = yes
ssl_cert = <$DIR/cert.pem
ssl_key = <$DIR/key.pem
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = static
  args = nopassword=y
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$DIR/empty
}
EOF
  _bg dovecot /usr/sbin/dovecot -F -c "$DIR/dovecot.conf"
  echo "110 pop3 dovecot-pop3d starttls"
  echo "143 imap dovecot-imapd starttls"
  echo "993 imap dovecot-imapd ssl"
  echo "995 pop3 dovecot-pop3d ssl"
}

start_dnsmasq() {
  _have /usr/sbin/dnsmasq || return
  _bg dnsmasq /usr/sbin/dnsmasq -k --conf-file=/dev/null --listen-address="$IP" --bind-interfaces \
    --port=53 --no-resolv --no-hosts --pid-file="$DIR/dnsmasq.pid" --user=root
  echo "53 domain dnsmasq-base -"
}

start_mosquitto() {
  _have /usr/sbin/mosquitto || return
  printf 'listener 1883 %s\nallow_anonymous true\npersistence false\nlog_dest file %s/mosquitto.log\n' \
    "$IP" "$DIR" >"$DIR/mosquitto.conf"
  chmod 777 "$DIR"
  _bg mosquitto /usr/sbin/mosquitto -c "$DIR/mosquitto.conf"
  echo "1883 mqtt mosquitto -"
}

start_samba() {  # smbd alone: SMB2 on 445 and 139, no nmbd, no printing
  _have /usr/sbin/smbd || return
  local d=$DIR/samba
  mkdir -p "$d"/{private,state,cache,lock,pid,ncalrpc,share}
  cat >"$DIR/smb.conf" <<EOF
[global]
  workgroup = ZOOLAB
  netbios name = ZOO
  server role = standalone server
  interfaces = $IP
  bind interfaces only = yes
  smb ports = 445 139
  disable netbios = yes
  private dir = $d/private
  state directory = $d/state
  cache directory = $d/cache
  lock directory = $d/lock
  pid directory = $d/pid
  ncalrpc dir = $d/ncalrpc
  log file = $DIR/smbd_error.log
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes
[zoo]
  path = $d/share
  guest ok = yes
EOF
  _bg smbd /usr/sbin/smbd --foreground --no-process-group --debug-stdout -s "$DIR/smb.conf"
  echo "139 netbios-ssn samba -"
  echo "445 microsoft-ds samba -"
}

start_xrdp() {  # listens and negotiates without any desktop or session manager
  _have /usr/sbin/xrdp || return
  cat >"$DIR/xrdp.ini" <<EOF
[Globals]
ini_version=1
fork=false
port=tcp://$IP:3389
security_layer=negotiate
certificate=$DIR/cert.pem
key_file=$DIR/key.pem
ssl_protocols=TLSv1.2, TLSv1.3
[Logging]
LogFile=$DIR/xrdp_error.log
LogLevel=INFO
EnableSyslog=false
EOF
  _bg xrdp /usr/sbin/xrdp --nodaemon --config "$DIR/xrdp.ini"
  echo "3389 ms-wbt-server xrdp starttls"
}

start_mpd() {  # Music Player Daemon: a null audio output, an empty library
  _have /usr/bin/mpd || return
  mkdir -p "$DIR/mpd/music" "$DIR/mpd/playlists"
  cat >"$DIR/mpd.conf" <<EOF
music_directory "$DIR/mpd/music"
playlist_directory "$DIR/mpd/playlists"
db_file "$DIR/mpd/db"
state_file "$DIR/mpd/state"
pid_file "$DIR/mpd/pid"
log_file "$DIR/mpd_error.log"
bind_to_address "$IP"
port "6600"
zeroconf_enabled "no"
audio_output {
  type "null"
  name "zoo"
}
EOF
  _bg mpd /usr/bin/mpd --no-daemon "$DIR/mpd.conf"
  echo "6600 mpd mpd -"
}

start_vnc() {  # TigerVNC's Xvnc: VNC on 5901, X11 over TCP on 6001 (display :1)
  _have /usr/bin/Xvnc || return
  # Display :1's lock and socket live under /tmp: a private mount namespace
  # with a /tmp of its own keeps them apart from any X server of the host.
  mkdir -p "$DIR/xvnc-tmp" && chmod 1777 "$DIR/xvnc-tmp"
  _bg xvnc unshare -m sh -c "mount --bind '$DIR/xvnc-tmp' /tmp && exec /usr/bin/Xvnc :1 -rfbport 5901 \
    -interface '$IP' -SecurityTypes None -listen tcp -nolisten unix -geometry 640x480"
  echo "5901 vnc tigervnc-standalone-server -"
  echo "6001 x11 tigervnc-standalone-server -"
}

start_distcc() {
  _have /usr/bin/distccd || return
  _bg distccd /usr/bin/distccd --daemon --no-detach --user nobody --listen "$IP" --port 3632 \
    --allow 198.18.0.0/15 --log-stderr
  echo "3632 distccd distcc -"
}

start_nats() {
  _have /usr/sbin/nats-server || return
  _bg nats /usr/sbin/nats-server -a "$IP" -p 4222 -P "$DIR/nats.pid"
  echo "4222 nats nats-server -"
}

start_etcd() {  # a one-member cluster: clients on 2379, peers on 2380
  _have /usr/bin/etcd || return
  _bg etcd /usr/bin/etcd --name zoo --data-dir "$DIR/etcd" \
    --listen-client-urls "http://$IP:2379" --advertise-client-urls "http://$IP:2379" \
    --listen-peer-urls "http://$IP:2380" --initial-advertise-peer-urls "http://$IP:2380" \
    --initial-cluster "zoo=http://$IP:2380"
  echo "2379 http etcd-server -"
  echo "2380 http etcd-server -"
}

start_clamd() {  # with a one-signature database of our own (no download)
  _have /usr/sbin/clamd || return
  mkdir -p "$DIR/clamav"
  # The EICAR test file's MD5 and size, as a .hdb hash signature.
  echo '44d88612fea8a8f36de82e1278abb02f:68:Zoo.EICAR-Test-File' >"$DIR/clamav/zoo.hdb"
  printf 'Foreground yes\nTCPSocket 3310\nTCPAddr %s\nDatabaseDirectory %s/clamav\nPidFile %s/clamd.pid\nLogFile %s/clamd_error.log\nUser root\n' \
    "$IP" "$DIR" "$DIR" "$DIR" >"$DIR/clamd.conf"
  _bg clamd /usr/sbin/clamd --config-file="$DIR/clamd.conf"
  echo "3310 clam clamav-daemon -"
}

start_unbound() {  # DNS over TLS on 853; answers version.bind, resolves nothing
  _have /usr/sbin/unbound || return
  cat >"$DIR/unbound.conf" <<EOF
server:
  interface: $IP@853
  tls-port: 853
  tls-service-key: "$DIR/key.pem"
  tls-service-pem: "$DIR/cert.pem"
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$DIR"
  pidfile: "$DIR/unbound.pid"
  use-syslog: no
  logfile: ""
  access-control: 198.18.0.0/15 allow
  hide-version: no
  local-zone: "." refuse
remote-control:
  control-enable: no
EOF
  _bg unbound /usr/sbin/unbound -d -c "$DIR/unbound.conf"
  echo "853 domain unbound ssl"
}

start_pptpd() {  # the PPTP control channel; no call ever reaches pppd
  _have /usr/sbin/pptpd || return
  printf 'listen %s\nlocalip 10.99.0.1\nremoteip 10.99.0.2-254\n' "$IP" >"$DIR/pptpd.conf"
  _bg pptpd /usr/sbin/pptpd -f -c "$DIR/pptpd.conf" -p "$DIR/pptpd.pid" -o /dev/null
  echo "1723 pptp pptpd -"
}

start_openvpn() {  # a TLS-mode server over TCP; its tun device exists only in NS
  _have /usr/sbin/openvpn || return
  _bg openvpn /usr/sbin/openvpn --server 10.99.1.0 255.255.255.0 --topology subnet --dev tun \
    --proto tcp-server --local "$IP" --lport 1194 --ca "$DIR/cert.pem" --cert "$DIR/cert.pem" \
    --key "$DIR/key.pem" --dh none --verb 3 --writepid "$DIR/openvpn.pid"
  echo "1194 openvpn openvpn -"
}

start_nbd() {  # Network Block Device: one read-only export of 1 MB
  _have /usr/bin/nbd-server || return
  truncate -s 1M "$DIR/nbd.img"
  printf '[generic]\n  listenaddr = %s\n  port = 10809\n  user = root\n  group = root\n[zoo]\n  exportname = %s/nbd.img\n  readonly = true\n' \
    "$IP" "$DIR" >"$DIR/nbd.conf"
  # In the foreground (-d) it serves one client and exits; so it daemonizes,
  # a session of its own, and stop kills that group by the pid it wrote.
  ip netns exec "$NS" /usr/bin/nbd-server -C "$DIR/nbd.conf" -p "$DIR/nbd.pid" >"$DIR/nbd.log" 2>&1 </dev/null
  local i
  for i in {1..50}; do [[ -s $DIR/nbd.pid ]] && break; sleep 0.1; done
  cat "$DIR/nbd.pid" >>"$DIR/pids"
  echo "10809 nbd nbd-server -"
}

start_gpsd() {  # no receiver: the daemon alone, on every address of NS (-G)
  _have /usr/sbin/gpsd || return
  _bg gpsd /usr/sbin/gpsd -N -n -G -S 2947 -F "$DIR/gpsd.sock" -P "$DIR/gpsd.pid"
  echo "2947 gpsd-ng gpsd -"
}

start_kamailio() {  # a SIP server over TCP that answers OPTIONS
  _have /usr/sbin/kamailio || return
  cat >"$DIR/kamailio.cfg" <<EOF
#!KAMAILIO
listen=tcp:$IP:5060
children=2
tcp_children=2
log_stderror=yes
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "sl.so"
request_route {
  if (method == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
  sl_send_reply("404", "Not here");
}
EOF
  _bg kamailio /usr/sbin/kamailio -DD -E -f "$DIR/kamailio.cfg" -P "$DIR/kamailio.pid" -m 32 -M 8 -w "$DIR"
  echo "5060 sip kamailio -"
}

start_iperf3() {
  _have /usr/bin/iperf3 || return
  _bg iperf3 /usr/bin/iperf3 -s -B "$IP" -p 5201
  echo "5201 iperf3 iperf3 -"
}

start_pgbouncer() {  # in front of the zoo's PostgreSQL; refuses to run as root
  _have /usr/sbin/pgbouncer || return
  # It logs to its standard error (DIR/pgbouncer.log); DIR is not its to write.
  printf '[databases]\nzoo = host=%s port=5432\n[pgbouncer]\nlisten_addr = %s\nlisten_port = 6432\nunix_socket_dir =\nauth_type = trust\nauth_file = %s/pgbouncer.users\n' \
    "$IP" "$IP" "$DIR" >"$DIR/pgbouncer.ini"
  echo '"zoo" ""' >"$DIR/pgbouncer.users"
  chmod 644 "$DIR/pgbouncer.ini" "$DIR/pgbouncer.users"
  _bg pgbouncer runuser -u postgres -- /usr/sbin/pgbouncer "$DIR/pgbouncer.ini"
  echo "6432 pgbouncer pgbouncer -"
}

case $cmd in
  start)
    NS=$1 DIR=$2 IP=$3
    mkdir -p "$DIR/www" && chmod 755 "$DIR" "$DIR/www"
    echo '<html><body>zoo</body></html>' >"$DIR/www/index.html"
    : >"$DIR/pids"
    _cert
    for s in ssh nginx apache lighttpd mariadb postgres redis stunnel memcached vsftpd postfix \
             dovecot dnsmasq mosquitto samba xrdp mpd vnc distcc nats etcd clamd unbound pptpd \
             openvpn nbd gpsd kamailio iperf3 pgbouncer; do
      "start_$s"
    done
    exit "$zoo_missing"
    ;;
  hostile)
    NS=$1 DIR=$2 IP=$3; shift 3
    cat >"$DIR/hostile.py" <<'EOF'
# Four hostile servers: a tarpit (accepts, never speaks), an endless banner,
# binary garbage, and TLS that breaks off after a bogus ServerHello.
import os, socket, sys, threading, time
ip, ports = sys.argv[1], [int(p) for p in sys.argv[2:6]]
def tarpit(c): time.sleep(3600)
def endless(c):
    while True: c.sendall(b"220 " + b"A" * 4096 + b"\r\n")
def garbage(c):
    c.sendall(os.urandom(2048)); time.sleep(3600)
def broken_tls(c):
    c.recv(4096); c.sendall(b"\x16\x03\x03\x00\x30\x02\x00\x00\x2c\x03\x03" + os.urandom(20)); time.sleep(3600)
def serve(port, fn):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ip, port)); s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=fn, args=(c,), daemon=True).start()
for port, fn in zip(ports, [tarpit, endless, garbage, broken_tls]):
    threading.Thread(target=serve, args=(port, fn), daemon=True).start()
time.sleep(86400)
EOF
    _bg hostile python3 "$DIR/hostile.py" "$IP" "$@"
    ;;
  stop)
    DIR=$1
    [[ -f $DIR/pids ]] || exit 0
    while read -r pid; do kill -TERM -- "-$pid" 2>/dev/null; done <"$DIR/pids"
    sleep 1
    while read -r pid; do kill -KILL -- "-$pid" 2>/dev/null; done <"$DIR/pids"
    # postgres forks under runuser in the same group; nothing else to reap.
    ;;
  *) echo "usage: service_zoo.sh start NS DIR IP | hostile NS DIR IP P1 P2 P3 P4 | stop DIR" >&2; exit 2 ;;
esac
