#!/usr/bin/env bash
# bench_zoo.sh: the "bench zoo": real servers from Debian's packages that the
# test suite never starts (tests/lab/service_zoo.sh is the tests' zoo), each
# with its own configuration in a temporary directory, started inside a lab
# target namespace (tests/lab/lab.sh) for bench/service_generalization.sh.
#
#   bench_zoo.sh start NS DIR IP [SERVER...]
#                                  starts what is installed (or only SERVERs,
#                                  the start_* names below); prints one line
#                                  per port: PORT SERVICE PACKAGE TUNNEL KEY
#                                  (TUNNEL as in service_zoo.sh: "ssl",
#                                  "starttls" or "-"; KEY names the truth entry
#                                  in service_generalization.sh); logs go to
#                                  DIR/*.log, and "skipped: ..." lines to stderr
#   bench_zoo.sh stop DIR          kills what start started (process groups in
#                                  DIR/pids), then whatever is still running in NS
#                                  but the lab's own listener (epmd detaches)
#   bench_zoo.sh unpack            unpacks the servers that cannot be installed
#                                  beside the tests' zoo (proftpd, pure-ftpd, exim4,
#                                  courier-imap: each would remove vsftpd, postfix
#                                  or dovecot-imapd) into
#                                  .lab/pkgs/, as scripts/deps.sh does for chrony;
#                                  installs only their missing libraries, never
#                                  removes a package (needs root; optional)
#
# Nothing listens outside the namespace: every server binds IP (the target's
# address); the few helper sockets that do not (RabbitMQ's Erlang
# distribution port on all addresses, epmd's and InfluxDB's RPC port on
# loopback) live only in NS, whose only interfaces are lo and the lab's veth. Ports are chosen away from
# the lab's filtered (40000-42499) and spare (50000-50999) ranges.
set -uo pipefail

cmd=${1:-}; shift || true

# _bg (a command in NS, in its own process group, logged to DIR/NAME.log)
# and _have (finds a program, also under .lab/pkgs/) are the tests' zoo's.
# shellcheck source=SCRIPTDIR/../tests/lab/zoo_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tests/lab/zoo_lib.sh"

skip() { echo "bench_zoo: skipped $1: $2" >&2; }

_cert() {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/key.pem" -out "$DIR/cert.pem" -days 20 \
    -subj "/CN=zoo.lab/O=tojimari bench" -addext "subjectAltName=DNS:zoo.lab,IP:$IP" >/dev/null 2>&1
  chmod 644 "$DIR/key.pem" "$DIR/cert.pem"
}

# A directory (or file) a server that drops to USER may write.
_owned() {  # USER PATH...
  local u=$1; shift
  mkdir -p "$@" && chown "$u" "$@"
}

# The unpacked packages' root, for programs that find their own files there.
_pkgroot() {  # PACKAGE: prints .lab/pkgs/PACKAGE when it is there
  [[ -d $zoo_root/.lab/pkgs/$1 ]] && echo "$zoo_root/.lab/pkgs/$1"
}

# ---------------------------------------------------------------- DNS, LDAP

start_bind9() {
  _have /usr/sbin/named || { skip bind9 "not installed"; return; }
  local d=$DIR/named
  _owned bind "$d"
  cat >"$DIR/named.conf" <<EOF
options {
  directory "$d";
  pid-file "$d/named.pid";
  session-keyfile "$d/session.key";
  managed-keys-directory "$d";
  listen-on port 53 { $IP; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
};
controls { };
zone "zoo.lab" { type primary; file "$DIR/zoo.lab.zone"; };
EOF
  printf '$TTL 60\n@ IN SOA ns.zoo.lab. root.zoo.lab. 1 60 60 60 60\n@ IN NS ns.zoo.lab.\nns IN A %s\n' "$IP" \
    >"$DIR/zoo.lab.zone"
  chmod 644 "$DIR/named.conf" "$DIR/zoo.lab.zone"
  _bg named "$have" -g -4 -u bind -c "$DIR/named.conf"
  echo "53 domain bind9 - bind9"
}

start_knot() {  # a second DNS server, on a port of its own
  _have /usr/sbin/knotd || { skip knot "not installed"; return; }
  local d=$DIR/knot
  _owned knot "$d"
  cat >"$DIR/knot.conf" <<EOF
server:
    rundir: "$d"
    user: knot:knot
    listen: $IP@5300
log:
  - target: stderr
    any: info
database:
    storage: "$d"
template:
  - id: default
    storage: "$d"
EOF
  chmod 644 "$DIR/knot.conf"
  _bg knotd "$have" -c "$DIR/knot.conf"
  echo "5300 domain knot - knot"
}

start_slapd() {
  _have /usr/sbin/slapd || { skip slapd "not installed"; return; }
  local d=$DIR/ldap
  mkdir -p "$d"
  cat >"$DIR/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
pidfile $d/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "dc=zoo,dc=lab"
rootdn "cn=admin,dc=zoo,dc=lab"
directory $d
maxsize 10485760
EOF
  _bg slapd "$have" -d 0 -f "$DIR/slapd.conf" -h "ldap://$IP:389/"
  echo "389 ldap slapd - slapd"
}

# ---------------------------------------------------------------- HTTP and proxies

start_squid() {
  _have /usr/sbin/squid || { skip squid "not installed"; return; }
  local d=$DIR/squid
  _owned proxy "$d"
  cat >"$DIR/squid.conf" <<EOF
http_port $IP:3128
pid_filename $d/squid.pid
cache_log $d/cache.log
access_log none
cache deny all
cache_mem 8 MB
coredump_dir $d
shutdown_lifetime 0 seconds
cache_effective_user proxy
visible_hostname zoo.lab
http_access allow all
EOF
  # -n: a service name of its own, so its shared memory segments
  # (/dev/shm/squid-NAME-*) never meet those of another squid on the machine.
  echo "benchzoo$$" >"$DIR/squid.name"
  _bg squid "$have" -N -n "benchzoo$$" -f "$DIR/squid.conf"
  echo "3128 http-proxy squid - squid"
}

start_varnish() {  # in front of a backend that is not there: its own 503 page
  _have /usr/sbin/varnishd || { skip varnish "not installed"; return; }
  mkdir -p "$DIR/varnish"
  _bg varnish "$have" -F -a "$IP:6081" -b 127.0.0.1:9 -T none -n "$DIR/varnish" -s malloc,16m
  echo "6081 http varnish - varnish"
}

start_haproxy() {  # a frontend whose backend is down: HAProxy's own 503 page
  _have /usr/sbin/haproxy || { skip haproxy "not installed"; return; }
  cat >"$DIR/haproxy.cfg" <<EOF
global
  pidfile $DIR/haproxy.pid
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server 10s
frontend zoo
  bind $IP:8082
  default_backend nowhere
backend nowhere
  server down 127.0.0.1:9
EOF
  _bg haproxy "$have" -db -f "$DIR/haproxy.cfg"
  echo "8082 http haproxy - haproxy"
}

start_tomcat() {
  local home=/usr/share/tomcat10
  _have $home/bin/catalina.sh || { skip tomcat10 "not installed"; return; }
  command -v java >/dev/null || { skip tomcat10 "no java"; return; }
  local b=$DIR/tomcat
  mkdir -p "$b"/{conf,logs,temp,webapps/ROOT,work}
  cp -r /etc/tomcat10/. "$b/conf/"
  echo '<html><body>zoo</body></html>' >"$b/webapps/ROOT/index.html"
  cat >"$b/conf/server.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="8080" address="$IP" protocol="HTTP/1.1" connectionTimeout="20000"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
EOF
  _bg tomcat env CATALINA_HOME=$home CATALINA_BASE="$b" CATALINA_TMPDIR="$b/temp" \
    JAVA_OPTS="-Xmx128m -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true" "$have" run
  echo "8080 http tomcat10 - tomcat10"
}

start_tinyproxy() {
  _have /usr/bin/tinyproxy || { skip tinyproxy "not installed"; return; }
  cat >"$DIR/tinyproxy.conf" <<EOF
User nobody
Group nogroup
Port 8888
Listen $IP
Timeout 30
MaxClients 50
LogLevel Info
EOF
  _bg tinyproxy "$have" -d -c "$DIR/tinyproxy.conf"
  echo "8888 http-proxy tinyproxy - tinyproxy"
}

start_privoxy() {
  _have /usr/sbin/privoxy || { skip privoxy "not installed"; return; }
  _owned privoxy "$DIR/privoxy"
  cat >"$DIR/privoxy.conf" <<EOF
confdir /etc/privoxy
logdir $DIR/privoxy
listen-address $IP:8118
toggle 1
enable-remote-toggle 0
enable-edit-actions 0
EOF
  _bg privoxy "$have" --no-daemon --user privoxy "$DIR/privoxy.conf"
  echo "8118 http-proxy privoxy - privoxy"
}

start_icecast() {
  _have /usr/bin/icecast2 || { skip icecast2 "not installed"; return; }
  _owned icecast2 "$DIR/icecast"
  cat >"$DIR/icecast.xml" <<EOF
<icecast>
  <location>lab</location><admin>root@zoo.lab</admin><hostname>zoo.lab</hostname>
  <limits><clients>20</clients><sources>2</sources></limits>
  <authentication><source-password>zoo-source</source-password><admin-user>admin</admin-user>
    <admin-password>zoo-admin</admin-password></authentication>
  <listen-socket><port>8000</port><bind-address>$IP</bind-address></listen-socket>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>$DIR/icecast</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
  <security><chroot>0</chroot><changeowner><user>icecast2</user><group>icecast</group></changeowner></security>
</icecast>
EOF
  chmod 644 "$DIR/icecast.xml"
  _bg icecast "$have" -c "$DIR/icecast.xml"
  echo "8000 http icecast2 - icecast2"
}

start_webfs() {
  _have /usr/bin/webfsd || { skip webfs "not installed"; return; }
  _bg webfsd "$have" -F -i "$IP" -p 8001 -r "$DIR/www" -u nobody -g nogroup
  echo "8001 http webfs - webfs"
}

start_mini_httpd() {
  _have /usr/sbin/mini_httpd || { skip mini-httpd "not installed"; return; }
  _bg mini_httpd "$have" -D -h "$IP" -p 8002 -d "$DIR/www" -u nobody -l "$DIR/mini_httpd_access.log"
  echo "8002 http mini-httpd - mini-httpd"
}

start_gunicorn() {  # a WSGI app of ten lines under Debian's gunicorn
  _have /usr/bin/gunicorn || { skip gunicorn "not installed"; return; }
  cat >"$DIR/zooapp.py" <<'EOF'
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html")])
    return [b"<html><body>zoo</body></html>"]
EOF
  _bg gunicorn "$have" --chdir "$DIR" -b "$IP:8003" -w 1 zooapp:app
  echo "8003 http gunicorn - gunicorn"
}

start_influxdb() {
  _have /usr/bin/influxd || { skip influxdb "not installed"; return; }
  local d=$DIR/influxdb
  mkdir -p "$d"
  cat >"$DIR/influxdb.conf" <<EOF
reporting-disabled = true
bind-address = "127.0.0.1:8088"
[meta]
  dir = "$d/meta"
[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
[http]
  bind-address = "$IP:8086"
  log-enabled = false
EOF
  _bg influxd "$have" -config "$DIR/influxdb.conf"
  echo "8086 http influxdb - influxdb"
}

start_cups() {
  _have /usr/sbin/cupsd || { skip cups "not installed"; return; }
  local r=$DIR/cups
  mkdir -p "$r"/{root,cache,state,spool,tmp,log}
  cp -r /etc/cups/. "$r/root/" 2>/dev/null
  cat >"$r/root/cupsd.conf" <<EOF
Listen $IP:631
Listen $r/cups.sock
ServerName zoo.lab
Browsing Off
LogLevel warn
<Location />
  Order allow,deny
  Allow all
</Location>
EOF
  cat >"$r/root/cups-files.conf" <<EOF
ServerRoot $r/root
CacheDir $r/cache
StateDir $r/state
RequestRoot $r/spool
TempDir $r/tmp
ErrorLog $r/log/error_log
AccessLog $r/log/access_log
PageLog $r/log/page_log
EOF
  _bg cupsd "$have" -f -c "$r/root/cupsd.conf" -s "$r/root/cups-files.conf"
  echo "631 ipp cups - cups"
}

# ---------------------------------------------------------------- mail, chat, messaging

start_rabbitmq() {  # AMQP, and the Erlang port mapper it starts
  _have /usr/lib/rabbitmq/bin/rabbitmq-server || { skip rabbitmq-server "not installed"; return; }
  local r=$DIR/rabbitmq
  mkdir -p "$r"
  echo "zoocookie$$" >"$r/.erlang.cookie" && chmod 400 "$r/.erlang.cookie"
  printf '[].\n' >"$r/enabled_plugins"
  printf 'listeners.tcp.1 = %s:5672\nloopback_users = none\n' "$IP" >"$r/rabbitmq.conf"
  _bg rabbitmq env HOME="$r" RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_BASE="$r" \
    RABBITMQ_MNESIA_BASE="$r/mnesia" RABBITMQ_LOG_BASE="$r/log" RABBITMQ_CONFIG_FILE="$r/rabbitmq.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$r/enabled_plugins" RABBITMQ_PID_FILE="$r/rabbitmq.pid" \
    ERL_EPMD_ADDRESS="$IP" "$have"
  echo "5672 amqp rabbitmq-server - rabbitmq"
  echo "4369 epmd erlang-base - epmd"
}

start_ngircd() {
  _have /usr/sbin/ngircd || { skip ngircd "not installed"; return; }
  cat >"$DIR/ngircd.conf" <<EOF
[Global]
  Name = irc.zoo.lab
  Info = bench zoo
  Listen = $IP
  Ports = 6667
  PidFile = $DIR/ngircd.pid
  ServerUID = nobody
  ServerGID = nogroup
[Options]
  DNS = no
  Ident = no
  PAM = no
EOF
  chmod 644 "$DIR/ngircd.conf"
  _bg ngircd "$have" -n -f "$DIR/ngircd.conf"
  echo "6667 irc ngircd - ngircd"
}

start_prosody() {  # XMPP client and server ports, run as prosody
  _have /usr/bin/prosody || { skip prosody "not installed"; return; }
  _owned prosody "$DIR/prosody"
  cat >"$DIR/prosody.cfg.lua" <<EOF
pidfile = "$DIR/prosody/prosody.pid"
data_path = "$DIR/prosody"
interfaces = { "$IP" }
c2s_ports = { 5222 }
s2s_ports = { 5269 }
c2s_require_encryption = false
s2s_require_encryption = false
authentication = "internal_hashed"
modules_enabled = { "disco"; "roster"; "saslauth"; "ping"; "version"; "uptime"; "time" }
modules_disabled = { "posix" }
log = { info = "$DIR/prosody/prosody.log" }
VirtualHost "zoo.lab"
EOF
  chmod 644 "$DIR/prosody.cfg.lua"
  _bg prosody runuser -u prosody -- "$have" --config "$DIR/prosody.cfg.lua" -F
  echo "5222 xmpp-client prosody - prosody-c2s"
  echo "5269 xmpp-server prosody - prosody-s2s"
}

start_mosquitto_tls() {
  _have /usr/sbin/mosquitto || { skip mosquitto "not installed"; return; }
  printf 'listener 8883 %s\ncertfile %s/cert.pem\nkeyfile %s/key.pem\nallow_anonymous true\npersistence false\nlog_dest file %s/mosquitto-tls.log\n' \
    "$IP" "$DIR" "$DIR" "$DIR" >"$DIR/mosquitto-tls.conf"
  touch "$DIR/mosquitto-tls.log" && chmod 666 "$DIR/mosquitto-tls.log"
  _bg mosquitto "$have" -c "$DIR/mosquitto-tls.conf"
  echo "8883 mqtt mosquitto ssl mosquitto"
}

start_gearmand() {
  _have /usr/sbin/gearmand || { skip gearman-job-server "not installed"; return; }
  _bg gearmand "$have" -L "$IP" -p 4730 -u root --log-file=stderr
  echo "4730 gearman gearman-job-server - gearman"
}

start_beanstalkd() {
  _have /usr/bin/beanstalkd || { skip beanstalkd "not installed"; return; }
  _bg beanstalkd "$have" -l "$IP" -p 11300
  echo "11300 beanstalkd beanstalkd - beanstalkd"
}

# ---------------------------------------------------------------- remote access, files

start_dropbear() {
  _have /usr/sbin/dropbear || { skip dropbear-bin "not installed"; return; }
  local keygen=dropbearkey
  _have /usr/bin/dropbearkey && keygen=$have
  _have /usr/sbin/dropbear
  "$keygen" -t ed25519 -f "$DIR/dropbear_ed25519_host_key" >/dev/null 2>&1
  _bg dropbear "$have" -F -E -p "$IP:2022" -r "$DIR/dropbear_ed25519_host_key" -P "$DIR/dropbear.pid"
  echo "2022 ssh dropbear-bin - dropbear"
}

start_sshd_second() {  # the tests' OpenSSH, on a port and with a configuration of its own
  _have /usr/sbin/sshd || { skip openssh-server "not installed"; return; }
  mkdir -p /run/sshd
  ssh-keygen -q -t rsa -b 2048 -N '' -f "$DIR/ssh_host_rsa_key"
  printf 'Port 22022\nListenAddress %s\nHostKey %s/ssh_host_rsa_key\nPidFile %s/sshd2.pid\nUsePAM no\nPasswordAuthentication no\n' \
    "$IP" "$DIR" "$DIR" >"$DIR/sshd2_config"
  _bg sshd2 "$have" -D -e -f "$DIR/sshd2_config"
  echo "22022 ssh openssh-server - openssh"
}

start_svnserve() {
  _have /usr/bin/svnserve || { skip subversion "not installed"; return; }
  svnadmin create "$DIR/svn/zoo" 2>/dev/null || mkdir -p "$DIR/svn"
  _bg svnserve "$have" -d --foreground --listen-host "$IP" --listen-port 3690 -r "$DIR/svn"
  echo "3690 svn subversion - subversion"
}

start_git_daemon() {
  _have /usr/bin/git || { skip git "not installed"; return; }
  mkdir -p "$DIR/git"
  git init -q --bare "$DIR/git/zoo.git"
  _bg git-daemon "$have" daemon --reuseaddr --listen="$IP" --port=9418 --base-path="$DIR/git" --export-all \
    --user=nobody --group=nogroup
  echo "9418 git git - git"
}

start_rsync() {
  _have /usr/bin/rsync || { skip rsync "not installed"; return; }
  printf 'pid file = %s/rsyncd.pid\nuse chroot = no\n[zoo]\n  path = %s/www\n  read only = yes\n' \
    "$DIR" "$DIR" >"$DIR/rsyncd.conf"
  _bg rsyncd "$have" --daemon --no-detach --config="$DIR/rsyncd.conf" --address="$IP" --port=873
  echo "873 rsync rsync - rsync"
}

start_danted() {  # SOCKS5
  _have /usr/sbin/danted || { skip dante-server "not installed"; return; }
  cat >"$DIR/danted.conf" <<EOF
logoutput: stderr
internal: $IP port = 1080
external: $IP
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
EOF
  _bg danted "$have" -f "$DIR/danted.conf" -p "$DIR/danted.pid"
  echo "1080 socks5 dante-server - dante"
}

# xinetd: the old inetd services (its own echo, daytime, chargen) and two
# servers that only ever run under an inetd: telnetd and CVS's pserver.
start_xinetd() {
  _have /usr/sbin/xinetd || { skip xinetd "not installed"; return; }
  local telnetd="" cvs=""
  command -v /usr/sbin/telnetd >/dev/null && telnetd=/usr/sbin/telnetd
  command -v /usr/bin/cvs >/dev/null && cvs=/usr/bin/cvs
  mkdir -p "$DIR/cvsroot"
  [[ -n $cvs ]] && cvs -d "$DIR/cvsroot" init 2>/dev/null
  {
    printf 'defaults\n{\n  instances = 60\n  log_type = FILE %s/xinetd-services.log\n  bind = %s\n}\n' "$DIR" "$IP"
    local s
    for s in echo:7 daytime:13 chargen:19; do
      printf 'service %s\n{\n  type = INTERNAL UNLISTED\n  id = %s-stream\n  socket_type = stream\n  protocol = tcp\n  port = %s\n  wait = no\n  user = root\n}\n' \
        "${s%:*}" "${s%:*}" "${s#*:}"
    done
    [[ -n $telnetd ]] &&
      printf 'service telnet\n{\n  type = UNLISTED\n  socket_type = stream\n  protocol = tcp\n  port = 23\n  wait = no\n  user = root\n  server = %s\n}\n' "$telnetd"
    [[ -n $cvs ]] &&
      printf 'service cvspserver\n{\n  type = UNLISTED\n  socket_type = stream\n  protocol = tcp\n  port = 2401\n  wait = no\n  user = root\n  server = %s\n  server_args = -f --allow-root=%s pserver\n}\n' \
        "$cvs" "$DIR/cvsroot"
  } >"$DIR/xinetd.conf"
  _bg xinetd "$have" -dontfork -f "$DIR/xinetd.conf" -pidfile "$DIR/xinetd.pid"
  echo "7 echo xinetd - echo"
  echo "13 daytime xinetd - daytime"
  echo "19 chargen xinetd - chargen"
  if [[ -n $telnetd ]]; then echo "23 telnet inetutils-telnetd - telnetd"; else skip inetutils-telnetd "not installed"; fi
  if [[ -n $cvs ]]; then echo "2401 cvspserver cvs - cvs"; else skip cvs "not installed"; fi
}

# ---------------------------------------------------------------- databases, monitoring

start_postgres_second() {  # the tests' PostgreSQL, on a port of its own, without TLS
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [[ -n $bin ]] || { skip postgresql "not installed"; return; }
  mkdir -p "$DIR/pg" && chown postgres "$DIR/pg"
  runuser -u postgres -- "$bin/initdb" -D "$DIR/pg" -A trust >"$DIR/initdb.log" 2>&1 || { skip postgresql "initdb failed"; return; }
  _bg postgres runuser -u postgres -- "$bin/postgres" -D "$DIR/pg" -k "$DIR/pg" -h "$IP" -p 15432
  echo "15432 postgresql postgresql - postgresql"
}

start_redis_sentinel() {
  _have /usr/bin/redis-server || { skip redis-sentinel "not installed"; return; }
  dpkg-query -W redis-sentinel >/dev/null 2>&1 || { skip redis-sentinel "not installed"; return; }
  printf 'bind %s\nport 26379\nprotected-mode no\ndaemonize no\ndir %s\nsentinel monitor zoo 127.0.0.1 6379 1\n' \
    "$IP" "$DIR" >"$DIR/sentinel.conf"
  _bg redis-sentinel "$have" "$DIR/sentinel.conf" --sentinel
  echo "26379 redis redis-sentinel - redis-sentinel"
}

start_memcached_second() {
  _have /usr/bin/memcached || { skip memcached "not installed"; return; }
  _bg memcached "$have" -u nobody -l "$IP" -p 21211 -U 0
  echo "21211 memcached memcached - memcached"
}

start_upsd() {  # Network UPS Tools' data server, with one UPS whose driver is not running
  _have /lib/nut/upsd || { skip nut-server "not installed"; return; }
  local c=$DIR/nut
  _owned nut "$c" "$c/state"
  printf '[zoo]\n  driver = dummy-ups\n  port = zoo.dev\n' >"$c/ups.conf"
  printf 'LISTEN %s 3493\nSTATEPATH %s/state\n' "$IP" "$c" >"$c/upsd.conf"
  printf '[monitor]\n  password = zoo\n  upsmon primary\n' >"$c/upsd.users"
  chown nut "$c"/*.conf "$c/upsd.users" && chmod 640 "$c"/*.conf "$c/upsd.users"
  _bg upsd env NUT_CONFPATH="$c" NUT_STATEPATH="$c/state" "$have" -F -u nut
  echo "3493 nut nut-server - nut"
}

start_munin_node() {
  _have /usr/sbin/munin-node || { skip munin-node "not installed"; return; }
  cat >"$DIR/munin-node.conf" <<EOF
log_level 4
log_file $DIR/munin-node-own.log
pid_file $DIR/munin-node.pid
background 0
setsid 0
user root
group root
host_name zoo.lab
host $IP
port 4949
cidr_allow 198.18.0.0/15
EOF
  _bg munin-node "$have" --config "$DIR/munin-node.conf"
  echo "4949 munin munin-node - munin"
}

start_zabbix_agent() {
  _have /usr/sbin/zabbix_agentd || { skip zabbix-agent "not installed"; return; }
  cat >"$DIR/zabbix_agentd.conf" <<EOF
PidFile=$DIR/zabbix_agentd.pid
LogType=console
ListenIP=$IP
ListenPort=10050
Server=198.18.0.0/15
StartAgents=2
AllowRoot=1
EOF
  _bg zabbix_agentd "$have" -f -c "$DIR/zabbix_agentd.conf"
  echo "10050 zabbix-agent zabbix-agent - zabbix"
}

start_nrpe() {  # with a certificate: without one it offers anonymous DH only, which
                # OpenSSL's default security level (an ordinary TLS client) refuses
  _have /usr/sbin/nrpe || { skip nagios-nrpe-server "not installed"; return; }
  cat >"$DIR/nrpe.cfg" <<EOF
pid_file=$DIR/nrpe.pid
server_address=$IP
server_port=5666
nrpe_user=nagios
nrpe_group=nagios
allowed_hosts=198.18.0.1
dont_blame_nrpe=0
ssl_version=TLSv1.2+
ssl_use_adh=0
ssl_cert_file=$DIR/cert.pem
ssl_privatekey_file=$DIR/key.pem
ssl_client_certs=0
command[check_zoo]=/bin/true
EOF
  _bg nrpe "$have" -c "$DIR/nrpe.cfg" -f
  echo "5666 nrpe nagios-nrpe-server ssl nrpe"
}

start_coturn() {  # STUN/TURN over TCP (and UDP, inside the namespace)
  _have /usr/bin/turnserver || { skip coturn "not installed"; return; }
  _bg turnserver "$have" -n --listening-ip="$IP" --listening-port=3478 --no-tls --no-dtls --no-cli \
    --log-file=stdout --pidfile="$DIR/turnserver.pid" --realm=zoo.lab
  echo "3478 stun coturn - coturn"
}

# ---------------------------------------------------------------- unpacked (conflict with the tests' zoo)

start_proftpd() {  # on a port that is not 21
  _have /usr/sbin/proftpd || { skip proftpd-basic "not installed (bench_zoo.sh unpack)"; return; }
  local mods=/usr/lib/proftpd root
  root=$(_pkgroot proftpd-core) && mods=$root$mods
  cat >"$DIR/proftpd.conf" <<EOF
ServerName "zoo"
ServerType standalone
DefaultAddress $IP
SocketBindTight on
Port 2121
PidFile $DIR/proftpd.pid
ScoreboardFile $DIR/proftpd.scoreboard
DelayTable none
WtmpLog off
UseReverseDNS off
ModulePath $mods
User nobody
Group nogroup
EOF
  _bg proftpd "$have" -n -c "$DIR/proftpd.conf"
  echo "2121 ftp proftpd-basic - proftpd"
}

start_pureftpd() {
  _have /usr/sbin/pure-ftpd || { skip pure-ftpd "not installed (bench_zoo.sh unpack)"; return; }
  _bg pure-ftpd "$have" -S "$IP,2100" -E -A -B -g "$DIR/pure-ftpd.pid" 2>/dev/null
  echo "2100 ftp pure-ftpd - pure-ftpd"
}

start_courier_imap() {  # its login front end greets; authdaemond is only asked at a login
  _have /usr/lib/courier/courier/imaplogin || { skip courier-imap "not installed (bench_zoo.sh unpack)"; return; }
  command -v couriertcpd >/dev/null || { skip courier-imap "no couriertcpd (courier-base)"; return; }
  local imapd=/usr/bin/imapd root
  root=$(_pkgroot courier-imap) && imapd=$root$imapd
  _bg courier-imap env IMAP_CAPABILITY="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE" \
    IMAP_EMPTYTRASH=Trash:7 TCPDOPTS="-nodnslookup -noidentlookup" \
    couriertcpd -address="$IP" -nodnslookup -noidentlookup -maxprocs=20 -pid="$DIR/couriertcpd.pid" \
    143 "$have" "$imapd" Maildir
  echo "143 imap courier-imap - courier-imap"
}

start_exim() {
  _have /usr/sbin/exim4 || { skip exim4-daemon-light "not installed (bench_zoo.sh unpack)"; return; }
  local e=$DIR/exim
  mkdir -p "$e/spool" "$e/log"
  # Debian builds exim for the user Debian-exim, which exim4-base's
  # maintainer script creates. Unpacked, it is not there: exim then runs in a
  # mount namespace of its own whose /etc/passwd and /etc/group (copies)
  # have it, and the machine's are never touched.
  if ! getent passwd Debian-exim >/dev/null; then
    cp /etc/passwd "$e/passwd" && cp /etc/group "$e/group"
    echo "Debian-exim:x:64999:64999::$e/spool:/usr/sbin/nologin" >>"$e/passwd"
    echo "Debian-exim:x:64999:" >>"$e/group"
  fi
  cat >"$DIR/exim.conf" <<EOF
primary_hostname = zoo.lab
daemon_smtp_ports = 2525
local_interfaces = $IP
spool_directory = $e/spool
log_file_path = $e/log/%slog
pid_file_path = $e/exim.pid
host_lookup =
rfc1413_hosts =
acl_smtp_rcpt = acl_check_rcpt
begin acl
acl_check_rcpt:
  deny
EOF
  chmod 644 "$DIR/exim.conf"
  if [[ -f $e/passwd ]]; then
    chown -R 64999:64999 "$e/spool" "$e/log"
    _bg exim unshare -m sh -c 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && shift 2 && exec "$@"' \
      sh "$e/passwd" "$e/group" "$have" -bdf -C "$DIR/exim.conf"
  else
    chown -R Debian-exim "$e/spool" "$e/log"
    _bg exim "$have" -bdf -C "$DIR/exim.conf"
  fi
  echo "2525 smtp exim4-daemon-light starttls exim"
}

# Unpacked, not installed, as scripts/deps.sh does for the tests' zoo: the
# package's files under .lab/pkgs/NAME (dpkg never hears of it), the shared
# libraries it needs installed only when that removes nothing.
unpack() {
  [[ $(id -u) == 0 ]] || { echo "bench_zoo.sh unpack: needs root" >&2; exit 2; }
  local pkgs=(proftpd-core proftpd-basic pure-ftpd exim4-base exim4-config exim4-daemon-light courier-imap) p tmp deps=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' && continue
    if [[ ! -d $zoo_root/.lab/pkgs/$p ]]; then
      tmp=$(mktemp -d) && chmod 755 "$tmp"
      (cd "$tmp" && apt-get download -qq "$p") || { echo "bench_zoo.sh: cannot download $p" >&2; rm -rf "$tmp"; continue; }
      mkdir -p "$zoo_root/.lab/pkgs"
      dpkg-deb -x "$tmp"/*.deb "$tmp/root" && chmod 755 "$tmp/root" && mv "$tmp/root" "$zoo_root/.lab/pkgs/$p"
      rm -rf "$tmp"
      echo "unpacked (not installed): $p"
    fi
    mapfile -t -O "${#deps[@]}" deps < <(apt-cache show --no-all-versions "$p" |
      awk -F': ' '/^(Pre-)?Depends: /{print $2}' | tr ',' '\n' |
      sed -E 's/\|.*//; s/\(.*\)//; s/:any//; s/[[:space:]]//g' | grep -v '^$')
  done
  # Only the shared libraries: the rest (pure-ftpd-common, proftpd's
  # modules, an inetd) would push out the tests' vsftpd or are not needed to
  # run the server with the bench's own configuration.
  local want=() d
  for d in $(printf '%s\n' "${deps[@]}" | sort -u); do
    [[ $d == lib* ]] || continue
    dpkg-query -W -f='${Status}' "$d" 2>/dev/null | grep -q 'ok installed' && continue
    apt-cache show "$d" >/dev/null 2>&1 || continue  # a virtual package some installed one provides
    want+=("$d")
  done
  ((${#want[@]})) || return 0
  if apt-get -s install --no-install-recommends "${want[@]}" | grep -q '^Remv '; then
    echo "bench_zoo.sh: installing ${want[*]} would remove a package; nothing installed" >&2
    return 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}"
}

case $cmd in
  start)
    NS=$1 DIR=$2 IP=$3
    mkdir -p "$DIR/www" && chmod 755 "$DIR" "$DIR/www"
    echo "$NS" >"$DIR/ns"
    echo '<html><body>zoo</body></html>' >"$DIR/www/index.html"
    : >"$DIR/pids"
    _cert
    shift 3
    all=(bind9 knot slapd squid varnish haproxy tomcat tinyproxy privoxy icecast webfs mini_httpd
         gunicorn influxdb cups rabbitmq ngircd prosody mosquitto_tls gearmand beanstalkd dropbear
         sshd_second svnserve git_daemon rsync danted xinetd postgres_second redis_sentinel
         memcached_second upsd munin_node zabbix_agent nrpe coturn proftpd pureftpd exim courier_imap)
    (($#)) && all=("$@")
    for s in "${all[@]}"; do
      declare -F "start_$s" >/dev/null || { echo "bench_zoo.sh: no server '$s' (one of: ${all[*]})" >&2; exit 2; }
      "start_$s"
    done
    exit 0
    ;;
  stop)
    DIR=$1
    [[ -f $DIR/pids ]] || exit 0
    while read -r pid; do kill -TERM -- "-$pid" 2>/dev/null; done <"$DIR/pids"
    sleep 1
    while read -r pid; do kill -KILL -- "-$pid" 2>/dev/null; done <"$DIR/pids"
    # Daemons that detach from their group (epmd, which RabbitMQ starts with
    # -daemon) are still in the namespace, where nothing but this zoo and the
    # lab's own listener (lab.sh down stops it) runs.
    ns=$(cat "$DIR/ns" 2>/dev/null)
    if [[ -n $ns ]] && ip netns list | grep -qw "$ns"; then
      for sig in TERM KILL; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
          grep -qa lab_listen "/proc/$pid/cmdline" 2>/dev/null || kill -"$sig" "$pid" 2>/dev/null
        done
        [[ $sig == TERM ]] && sleep 1
      done
    fi
    # A squid killed before its shutdown leaves its shared memory behind.
    [[ -f $DIR/squid.name ]] && rm -f /dev/shm/"$(cat "$DIR/squid.name")"-*
    exit 0
    ;;
  unpack) unpack ;;
  *) echo "usage: bench_zoo.sh start NS DIR IP | stop DIR | unpack" >&2; exit 2 ;;
esac
