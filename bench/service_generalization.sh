#!/usr/bin/env bash
# service_generalization.sh: how well service detection (-sV) generalizes to
# servers the test suite never starts. Starts the "bench zoo"
# (bench/bench_zoo.sh: some forty real servers from Debian's packages that
# tests/lab/service_zoo.sh does not run, each with its own configuration, in
# the lab target's namespace), then runs on the same ports, one after the
# other, each timed:
#   tojimari -sV --service-db ours   its built-in data only (no option on a
#                                    build that has no "ours": built-in was the default)
#   tojimari -sV --service-db nmap   nmap's installed nmap-service-probes only
#   tojimari -sV                     the default (nmap's data after ours, when present)
#   nmap -sV -sT
# and grades each against the zoo's truth.
#
#   bench/service_generalization.sh [--build DIR] [--keep DIR] [--servers "S ..."]
#                                   [--tj-args "..."] [--nmap-args "..."]
#
#   --build DIR      where tojimari and tests/lab_listen are built
#                    (default build/ next to this script's parent)
#   --keep DIR       copy every tool's output, the zoo's port list and its
#                    logs into DIR
#   --servers "S .." start only these bench zoo servers (start_* names in
#                    bench_zoo.sh: "bind9 squid exim" ...)
#   --from DIR       scan nothing: grade again what an earlier --keep DIR kept
#   --tj-args/--nmap-args  extra options for every tojimari run / for nmap
#
# The truth, per port (the table below): the service names that count as
# right (the first is the usual one; "ssl/" when TLS comes first), the names
# the software goes by (its own, and nmap's customary spelling: "Exim" or
# "Exim smtpd"; compared without case, and also right when followed by a
# version as a Server header gives it: "webfs/1.21"), and the version: the upstream part
# of the installed package's version (dpkg-query; the changelog of a package
# bench_zoo.sh unpacked), for the servers that tell it to an ordinary client
# (in a greeting, a header, an error page, or the answer to the protocol's
# own version or status request), cut to major.minor where that is all they
# tell (Varnish). A version is right when it equals the truth or
# continues it with a Debian suffix or a space ("9.18.49-1~deb12u3",
# "1.30 26Oct2018"). Product is not graded where the wire carries nothing of
# the software (the inetd built-ins, telnetd's option negotiation, a SOCKS5
# method reply), version not where the server does not tell it. A version
# that the truth continues ("2.4" for CUPS 2.4.2, whose Server header says
# 2.4 and whose pages say 2.4.2) is counted apart, as cut short.
#
# Grading per tool and port: right; wrong (a name, product or version that
# is not the truth; a service name that is "unknown" or only the port
# table's guess, method "table", counts as no answer, not as wrong); or no
# answer. tojimari is read from its NDJSON, nmap from its XML.
#
# Needs root. Install the servers with `scripts/deps.sh bench`; proftpd,
# pure-ftpd, exim and courier-imap cannot be installed beside the tests'
# vsftpd, postfix and dovecot: `bench/bench_zoo.sh unpack` puts them in
# .lab/pkgs/ (optional; they are skipped otherwise). Everything runs in two fresh namespaces, torn down at
# exit; no server listens outside them.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab=$here/../tests/lab/lab.sh
zoo=$here/bench_zoo.sh

build=$here/../build tj_args="" nmap_args="" keep="" servers="" from=""
while (($#)); do
  case $1 in
    --from) from=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --servers) servers=$2; shift 2 ;;
    --tj-args) tj_args=$2; shift 2 ;;
    --nmap-args) nmap_args=$2; shift 2 ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "service_generalization.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
tojimari=${TOJIMARI_BIN:-$build/tojimari}
listen=${LAB_LISTEN_BIN:-$build/tests/lab_listen}
for c in jq xmllint dpkg-query; do
  command -v "$c" >/dev/null || { echo "service_generalization.sh: $c is not installed" >&2; exit 2; }
done
if [[ -z $from ]]; then
  for f in "$tojimari" "$listen"; do
    [[ -x $f ]] || { echo "service_generalization.sh: not built: $f (use --build DIR)" >&2; exit 2; }
  done
  command -v nmap >/dev/null || { echo "service_generalization.sh: nmap is not installed" >&2; exit 2; }
  [[ $(id -u) == 0 ]] || { echo "service_generalization.sh: must run as root" >&2; exit 2; }
fi

# --- the truth, ";"-separated: KEY (bench_zoo.sh's last column); service
# names; products ("-": not graded); version form: full (the upstream
# version), mm (its major.minor), "-" (not told).
truth_table() {
  cat <<'EOF'
bind9          ; domain                  ; BIND|ISC BIND                                  ; full
knot           ; domain                  ; Knot DNS|cz.nic Knot DNS                       ; full
slapd          ; ldap                    ; OpenLDAP                                       ; -
squid          ; http-proxy|http         ; Squid|Squid http proxy                         ; full
varnish        ; http|http-proxy         ; Varnish|Varnish http accelerator|Varnish Cache ; mm
haproxy        ; http|http-proxy         ; HAProxy|HAProxy http proxy                     ; -
tomcat10       ; http                    ; Apache Tomcat|Tomcat                           ; full
tinyproxy      ; http-proxy|http         ; tinyproxy|Tinyproxy http proxy                 ; full
privoxy        ; http-proxy|http         ; Privoxy|Privoxy http proxy                     ; -
icecast2       ; http                    ; Icecast|Icecast streaming media server         ; full
webfs          ; http                    ; webfs|webfsd|WebFS httpd                       ; full
mini-httpd     ; http                    ; mini_httpd                                     ; full
gunicorn       ; http                    ; gunicorn                                       ; -
influxdb       ; http                    ; InfluxDB|InfluxDB http admin                   ; full
cups           ; ipp|http                ; CUPS                                           ; full
rabbitmq       ; amqp                    ; RabbitMQ                                       ; full
epmd           ; epmd                    ; epmd|Erlang Port Mapper Daemon|Erlang epmd     ; -
ngircd         ; irc                     ; ngIRCd                                         ; full
prosody-c2s    ; xmpp-client|xmpp|jabber ; Prosody|Prosody XMPP server                    ; -
prosody-s2s    ; xmpp-server|xmpp|jabber ; Prosody|Prosody XMPP server                    ; -
mosquitto      ; ssl/mqtt                ; Mosquitto                                      ; full
gearman        ; gearman                 ; Gearman|gearmand|Gearman Job Queue System      ; full
beanstalkd     ; beanstalkd|beanstalk    ; beanstalkd                                     ; full
dropbear       ; ssh                     ; Dropbear sshd|Dropbear                         ; full
openssh        ; ssh                     ; OpenSSH                                        ; full
subversion     ; svn|svnserve            ; Subversion|svnserve                            ; -
git            ; git                     ; git|git daemon|git-daemon                      ; -
rsync          ; rsync                   ; rsync|rsyncd                                   ; -
dante          ; socks5|socks            ; -                                              ; -
echo           ; echo                    ; -                                              ; -
daytime        ; daytime                 ; -                                              ; -
chargen        ; chargen                 ; -                                              ; -
telnetd        ; telnet                  ; -                                              ; -
cvs            ; cvspserver|cvs          ; CVS|CVS pserver                                ; -
postgresql     ; postgresql              ; PostgreSQL DB|PostgreSQL                       ; -
redis-sentinel ; redis|redis-sentinel    ; Redis key-value store|Redis|Redis Sentinel     ; full
memcached      ; memcached               ; memcached                                      ; full
nut            ; nut|ups                 ; Network UPS Tools upsd|NUT upsd|upsd           ; full
munin          ; munin                   ; Munin|munin-node|Munin node                    ; full
zabbix         ; zabbix-agent|zabbix     ; Zabbix agent|zabbix_agentd                     ; full
nrpe           ; ssl/nrpe                ; NRPE|Nagios NRPE                               ; full
coturn         ; stun|turn               ; Coturn                                         ; full
proftpd        ; ftp                     ; ProFTPD                                        ; -
pure-ftpd      ; ftp                     ; Pure-FTPd                                      ; -
exim           ; smtp                    ; Exim|Exim smtpd                                ; full
courier-imap   ; imap                    ; Courier Imapd|Courier-IMAP|Courier IMAP        ; -
EOF
}

# The upstream part of a Debian version: "1:9.18.49-1~deb12u3" -> "9.18.49",
# "1.21+ds1-12+b1" -> "1.21" (Debian's repack suffixes go too).
upstream() {
  local v=$1
  v=${v#*:}
  [[ $v == *-* ]] && v=${v%-*}
  v=${v%%+dfsg*}; v=${v%%+ds*}; v=${v%%\~*}
  echo "$v"
}
# The installed version of PACKAGE: dpkg's, or for a package bench_zoo.sh
# unpacked into .lab/pkgs/, the first entry of its Debian changelog.
pkg_version() {
  local v c
  v=$(dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null | awk '$3 == "installed" { print $4 }')
  if [[ -z $v ]]; then
    c=$(ls "$here/../.lab/pkgs/$1/usr/share/doc/$1/changelog.Debian.gz" 2>/dev/null | head -1)
    [[ -n $c ]] && v=$(zcat "$c" | head -1 | sed -n 's/^[^(]*(\([^)]*\)).*/\1/p')
  fi
  echo "$v"
}

name=sg$$
work=$(mktemp -d /tmp/tojimari-sgbench.XXXXXX)
chmod 755 "$work"  # the zoo's servers run as other users and read their files here
lab_is_up=0
cleanup() {
  set +e  # every step runs, whatever the one before returned
  [[ -f $work/zoo/pids ]] && "$zoo" stop "$work/zoo" >/dev/null 2>&1
  ((lab_is_up)) && "$lab" down "$name" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tools=(tj_ours tj_nmapdb tj_default nmap)
declare -A label=([tj_nmapdb]="tojimari -sV --service-db nmap" [tj_default]="tojimari -sV (default)"
                  [nmap]="nmap -sV -sT")
if [[ -n $from ]]; then
  # Grade again what --keep kept: the ports, each tool's output and time.
  for f in zoo.ok nmap.xml tj_ours.ndjson tj_nmapdb.ndjson tj_default.ndjson times; do
    [[ -f $from/$f ]] || { echo "service_generalization.sh: $from/$f is missing (kept by --keep)" >&2; exit 2; }
  done
  cp "$from"/{zoo.ok,nmap.xml,tj_ours.ndjson,tj_nmapdb.ndjson,tj_default.ndjson} "$work"/
  declare -A secs
  while read -r t s; do secs[$t]=$s; done <"$from/times"
  label[tj_ours]=$(cat "$from/ours_label")
  target=$(jq -r 'select(.event == "service") | .ip' "$work/tj_ours.ndjson" | head -1)
  n_ports=$(wc -l <"$work/zoo.ok")
else
  # "ours" exists once the default layers nmap's data after ours; before that
  # the default was ours alone.
  if "$tojimari" help scan 2>&1 | grep -q '"ours"'; then
    ours_args=(--service-db ours) ours_label="tojimari -sV --service-db ours"
  else
    ours_args=() ours_label="tojimari -sV (built-in data; no \"ours\" in this build)"
  fi
  declare -A secs
  label[tj_ours]=$ours_label
  # The lab's own listener takes 22 (its sanity check); the bench zoo never uses 22.
  lab_is_up=1
  eval "$("$lab" up "$name" --ports 22 --listen-bin "$listen" --owner $$)"
  target=$LAB_TARGET_IP4 scanner_ns=$LAB_SCANNER_NS target_ns=$LAB_TARGET_NS

  mkdir -p "$work/zoo"
  # shellcheck disable=SC2086  # the server list is meant to split
  "$zoo" start "$target_ns" "$work/zoo" "$target" $servers >"$work/zoo.txt" 2>"$work/zoo.err" || true
  sed 's/^/  /' "$work/zoo.err" >&2
  [[ -s $work/zoo.txt ]] || { echo "service_generalization.sh: no bench zoo server is installed (scripts/deps.sh bench)" >&2; exit 1; }

  # Waits up to 120 s (Tomcat and RabbitMQ take a while) for every port to
  # listen; a server that never does is left out of the run, with its log.
  listening() {  # PORT
    [[ $ss == *" $target:$1 "* || $ss == *" [::ffff:$target]:$1 "* ]]
  }
  for ((i = 0; i < 240; i++)); do
    ss=" $(ip netns exec "$target_ns" ss -Hltn | awk '{ print $4 }' | paste -sd' ') "
    missing=0
    while read -r p _; do listening "$p" || missing=1; done <"$work/zoo.txt"
    ((missing)) || break
    sleep 0.5
  done
  : >"$work/zoo.ok"
  while read -r p s pkg tun key; do
    if listening "$p"; then
      echo "$p $s $pkg $tun $key" >>"$work/zoo.ok"
    else
      echo "service_generalization.sh: $pkg did not listen on $p; left out. Its log:" >&2
      tail -n 5 "$work/zoo/"*"$key"*.log "$work/zoo/"*"${pkg%%-*}"*.log 2>/dev/null | sed 's/^/  /' >&2 || true
    fi
  done <"$work/zoo.txt"
  sort -n -o "$work/zoo.ok" "$work/zoo.ok"
  ports=$(awk '{ print $1 }' "$work/zoo.ok" | paste -sd,)
  n_ports=$(wc -l <"$work/zoo.ok")
  sleep 2  # listening is not always serving yet (RabbitMQ, Tomcat)

  # --- the runs
  now() { date +%s.%N; }
  elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }  # T0 T1
  run_tj() {  # TOOL ARGS...
    local tool=$1 t0 t1; shift
    t0=$(now)
    # shellcheck disable=SC2086  # extra args are meant to split
    ip netns exec "$scanner_ns" "$tojimari" -sV -p "$ports" -n -Pn "$@" $tj_args "$target" \
      --ndjson "$work/$tool.ndjson" >"$work/$tool.out" 2>&1 ||
      { echo "service_generalization.sh: $tool failed:" >&2; cat "$work/$tool.out" >&2; exit 1; }
    t1=$(now)
    secs[$tool]=$(elapsed "$t0" "$t1")
  }
  echo "running ${#tools[@]} scans of $n_ports ports; nmap takes a few minutes" >&2
  run_tj tj_ours "${ours_args[@]}"
  run_tj tj_nmapdb --service-db nmap
  run_tj tj_default
  t0=$(now)
  # shellcheck disable=SC2086
  ip netns exec "$scanner_ns" nmap -sV -sT -p "$ports" -n -Pn $nmap_args -oX "$work/nmap.xml" "$target" \
    >"$work/nmap.out" 2>&1 || { echo "service_generalization.sh: nmap failed:" >&2; cat "$work/nmap.out" >&2; exit 1; }
  secs[nmap]=$(elapsed "$t0" "$(now)")
fi

# --- what each tool said, one line per port, fields separated by \x1f (read
# would merge empty tab-separated fields): port, method, tunnel/name, product, version
sep=$'\x1f'
for tool in tj_ours tj_nmapdb tj_default; do
  jq -r 'select(.event == "service") |
    [.port, (.version.method // ""),
     ((if (.version.tunnel // "") != "" then .version.tunnel + "/" else "" end) + (.service // "")),
     (.version.product // ""), (.version.version // "")] | map(tostring) | join("\u001f")' \
    "$work/$tool.ndjson" >"$work/$tool.said"
done
nmap_attr() { xmllint --xpath "string(//port[@protocol='tcp'][@portid='$1']/service/@$2)" "$work/nmap.xml" 2>/dev/null || true; }
while read -r p _; do
  tunnel=$(nmap_attr "$p" tunnel) svc=$(nmap_attr "$p" name)
  printf "%s$sep%s$sep%s$sep%s$sep%s\n" "$p" "$(nmap_attr "$p" method)" "${tunnel:+$tunnel/}$svc" \
    "$(nmap_attr "$p" product)" "$(nmap_attr "$p" version)"
done <"$work/zoo.ok" >"$work/nmap.said"

# --- grading
lower() { tr '[:upper:]' '[:lower:]' <<<"$1"; }
in_list() {  # VALUE "A|B|C" (case-insensitive)
  local v a
  v=$(lower "$1")
  IFS='|' read -ra alts <<<"$2"
  for a in "${alts[@]}"; do [[ $v == "$(lower "$a")" ]] && return 0; done
  return 1
}
product_ok() {  # GOT "A|B": one of the names, alone or followed by a version
  # as a Server header gives it ("webfs/1.21", "CUPS/2.4 IPP/2.1")
  local v a
  in_list "$1" "$2" && return 0
  v=$(lower "$1")
  IFS='|' read -ra alts <<<"$2"
  for a in "${alts[@]}"; do
    a=$(lower "$a")
    [[ $v == "$a/"[0-9]* || $v == "$a "[0-9]* ]] && return 0
  done
  return 1
}
version_ok() {  # GOT WANT: equal, or WANT continued by a Debian suffix or a space
  [[ $1 == "$2" ]] && return 0
  [[ $1 == "$2"* ]] || return 1
  [[ ${1:${#2}:1} == [-+~_\ ] ]]
}
declare -A right wrong part
for tool in "${tools[@]}"; do
  for k in s p v; do right[$tool.$k]=0 wrong[$tool.$k]=0 part[$tool.$k]=0; done
done
n_s=0 n_p=0 n_v=0 misses="" rows=""
declare -A t_svc t_prod t_form
trim() { local v=${1#"${1%%[! ]*}"}; echo "${v%"${v##*[! ]}"}"; }
while IFS=';' read -r key svcs prods form; do
  key=$(trim "$key")
  t_svc[$key]=$(trim "$svcs") t_prod[$key]=$(trim "$prods") t_form[$key]=$(trim "$form")
done < <(truth_table)

while read -r port _ pkg tunnel key; do
  [[ -n ${t_svc[$key]:-} ]] || { echo "service_generalization.sh: no truth for '$key'" >&2; exit 1; }
  want_s=${t_svc[$key]} want_p=${t_prod[$key]} form=${t_form[$key]}
  [[ $want_p == - ]] && want_p=""
  want_v=""
  if [[ $form != - ]]; then
    want_v=$(upstream "$(pkg_version "$pkg")")
    [[ $form == mm ]] && want_v=$(awk -F. '{ print $1 "." $2 }' <<<"$want_v")
    [[ -n $want_v ]] || { echo "service_generalization.sh: no version of $pkg" >&2; exit 1; }
  fi
  n_s=$((n_s + 1)); [[ -n $want_p ]] && n_p=$((n_p + 1)); [[ -n $want_v ]] && n_v=$((n_v + 1))
  marks=()
  for tool in "${tools[@]}"; do
    got_m="" got_s="" got_p="" got_v=""
    IFS=$sep read -r _ got_m got_s got_p got_v < <(awk -F"$sep" -v p="$port" '$1 == p' "$work/$tool.said") || true
    # The port table's guess, or "unknown", is no answer.
    [[ $got_m == table || ${got_s#ssl/} == unknown || ${got_s#ssl/} == "" ]] && got_s=""
    m=""
    if [[ -z $got_s ]]; then m+="-"
    elif in_list "$got_s" "$want_s"; then m+="+"; right[$tool.s]=$((right[$tool.s] + 1))
    else m+="x"; wrong[$tool.s]=$((wrong[$tool.s] + 1)); fi
    if [[ -z $want_p ]]; then m+="."
    elif [[ -z $got_p ]]; then m+="-"
    elif product_ok "$got_p" "$want_p"; then m+="+"; right[$tool.p]=$((right[$tool.p] + 1))
    else m+="x"; wrong[$tool.p]=$((wrong[$tool.p] + 1)); fi
    if [[ -z $want_v ]]; then m+="."
    elif [[ -z $got_v ]]; then m+="-"
    elif version_ok "$got_v" "$want_v"; then m+="+"; right[$tool.v]=$((right[$tool.v] + 1))
    elif [[ $want_v == "$got_v."* ]]; then m+="~"; part[$tool.v]=$((part[$tool.v] + 1))
    else m+="x"; wrong[$tool.v]=$((wrong[$tool.v] + 1)); fi
    marks+=("$m")
    [[ $m =~ ^\+[+.][+.]$ ]] ||
      misses+=$(printf '  %-5s %-10s %-10s %s | %s | %s' "$port" "$key" "$tool" "${got_s:-(none)}" \
        "${got_p:-(none)}" "${got_v:-(none)}")$'\n'
  done
  rows+=$(printf '%-6s %-19s %-28s %-4s %-5s %-5s %-5s %-5s' "$port" "$pkg" \
    "${want_s%%|*} ${want_v:-(n/a)}" "$tunnel" "${marks[@]}")$'\n'
done <"$work/zoo.ok"

echo
echo "service detection on servers the tests never start ($target, $n_ports ports)"
echo "marks per tool: service/product/version; + right, x wrong, - no answer, . not graded,"
echo "  ~ a version cut short (2.4 for 2.4.2)"
echo "  ours = ${label[tj_ours]}; nmapdb = tojimari -sV --service-db nmap;"
echo "  default = tojimari -sV; nmap = nmap -sV -sT"
echo
printf '%-6s %-19s %-28s %-4s %-5s %-5s %-5s %-5s\n' PORT PACKAGE "TRUTH (service, version)" TUN ours nmapdb default nmap
printf '%s' "$rows"
if [[ -n $misses ]]; then
  echo
  echo "where a tool was not right on all three (service | product | version as reported; a table guess shows as (none)):"
  printf '%s' "$misses"
fi
if [[ -n $keep ]]; then
  mkdir -p "$keep"
  cp "$work"/{zoo.ok,nmap.xml} "$work"/tj_*.ndjson "$keep"/
  for t in "${tools[@]}"; do echo "$t ${secs[$t]}"; done >"$keep/times"
  echo "${label[tj_ours]}" >"$keep/ours_label"
  if [[ -z $from ]]; then
    cp "$work"/{zoo.txt,zoo.err,nmap.out} "$work"/tj_*.out "$keep"/
    mkdir -p "$keep/zoo-logs"
    cp "$work"/zoo/*.log "$keep/zoo-logs/" 2>/dev/null || true
  fi
fi
echo
printf '%-58s %-14s %-14s %-16s %-9s %s\n' "TOTAL ($n_s ports; $n_p with a product, $n_v with a version)" \
  "services" "products" "versions" "time" "nmap time / this"
for tool in "${tools[@]}"; do
  ratio=$(awk -v a="${secs[nmap]}" -v b="${secs[$tool]}" 'BEGIN { printf "%.1fx", (b > 0) ? a / b : 0 }')
  short=""; ((part[$tool.v])) && short=" ${part[$tool.v]}~"
  printf '%-58s %-14s %-14s %-16s %-9s %s\n' "${label[$tool]}" \
    "${right[$tool.s]}/$n_s (${wrong[$tool.s]}x)" "${right[$tool.p]}/$n_p (${wrong[$tool.p]}x)" \
    "${right[$tool.v]}/$n_v (${wrong[$tool.v]}x$short)" "${secs[$tool]} s" "$ratio"
done
echo "(Nx: N wrong answers; N~: N versions cut short)"
