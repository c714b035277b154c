#!/usr/bin/env bash
# service_vs_nmap.sh: tojimari's service detection (-sV) against nmap's, on
# the lab's "service zoo" (tests/lab/service_zoo.sh: real servers from
# Debian's packages in the lab target's namespace), graded against the
# zoo's truth and timed.
#
#   bench/service_vs_nmap.sh [--build DIR] [--keep DIR] [--tj-args "..."] [--nmap-args "..."]
#
#   --keep DIR       copy both tools' output (and the zoo's port list) into DIR
#   --build DIR      where tojimari and tests/lab_listen are built
#                    (default build/ next to this script's parent)
#   --tj-args/--nmap-args  extra options for each tool (default none)
#
# The truth is the zoo's (as tests/lab/service_test.cc checks it): the
# service name and tunnel the zoo prints per port, the product each package's
# server calls itself (the table below, the same as kIdentity in the test),
# and the upstream part of the installed package's version (dpkg-query),
# for the servers that tell their version. A version counts as right when it
# equals the truth or its first word does (nmap appends Debian's revision:
# "9.2p1 Debian 2+deb12u3"). Runs tojimari -sV --ndjson, then
# nmap -sV -sT -oX, once each, on the same ports from the scanner namespace.
#
# Needs root. Everything runs in two fresh namespaces, torn down at exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab=$here/../tests/lab/lab.sh
zoo=$here/../tests/lab/service_zoo.sh

build=$here/../build tj_args="" nmap_args="" keep=""
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --tj-args) tj_args=$2; shift 2 ;;
    --nmap-args) nmap_args=$2; shift 2 ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "service_vs_nmap.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
tojimari=${TOJIMARI_BIN:-$build/tojimari}
listen=${LAB_LISTEN_BIN:-$build/tests/lab_listen}
for f in "$tojimari" "$listen"; do
  [[ -x $f ]] || { echo "service_vs_nmap.sh: not built: $f (use --build DIR)" >&2; exit 2; }
done
for c in nmap jq xmllint dpkg-query; do
  command -v "$c" >/dev/null || { echo "service_vs_nmap.sh: $c is not installed" >&2; exit 2; }
done
[[ $(id -u) == 0 ]] || { echo "service_vs_nmap.sh: must run as root" >&2; exit 2; }

# What each package's server calls itself, and whether it tells its version
# (1) or not (0): the zoo test's kIdentity, kept in step by hand.
declare -A product=(
  [openssh-server]="OpenSSH" [nginx]="nginx" [apache2]="Apache httpd" [lighttpd]="lighttpd"
  [mariadb-server]="MariaDB" [postgresql]="PostgreSQL DB" [redis-server]="Redis key-value store"
  [memcached]="memcached" [vsftpd]="vsftpd" [postfix]="Postfix smtpd"
  [dovecot-imapd]="Dovecot imapd" [dovecot-pop3d]="Dovecot pop3d" [dnsmasq-base]="dnsmasq"
  [mosquitto]="Mosquitto" [samba]="Samba smbd" [xrdp]="xrdp"
)
declare -A tells_version=([postgresql]=0 [postfix]=0 [dovecot-imapd]=0 [dovecot-pop3d]=0 [samba]=0 [xrdp]=0)

# The upstream part of a Debian version: "1:9.2p1-2+deb12u3" -> "9.2p1"
# (the test's Upstream()).
upstream() {
  local v=$1
  v=${v#*:}
  [[ $v == *-* ]] && v=${v%-*}
  v=${v%%+dfsg*}; v=${v%%\~*}
  echo "$v"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }  # T0 T1

name=sv$$
work=$(mktemp -d /tmp/tojimari-svbench.XXXXXX)
chmod 755 "$work"  # the zoo's servers run as other users and read their files here
lab_is_up=0
cleanup() {
  [[ -f $work/zoo/pids ]] && "$zoo" stop "$work/zoo" >/dev/null 2>&1
  ((lab_is_up)) && "$lab" down "$name" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# As in the zoo test: the lab's own listener takes 22 (its sanity check).
lab_is_up=1
eval "$("$lab" up "$name" --ports 22 --listen-bin "$listen" --owner $$)"
target=$LAB_TARGET_IP4 scanner_ns=$LAB_SCANNER_NS target_ns=$LAB_TARGET_NS

mkdir -p "$work/zoo"
"$zoo" start "$target_ns" "$work/zoo" "$target" >"$work/zoo.txt"
[[ -s $work/zoo.txt ]] || { echo "service_vs_nmap.sh: none of the zoo's packages is installed (scripts/deps.sh)" >&2; exit 1; }
ports=$(awk '{ print $1 }' "$work/zoo.txt" | sort -n | paste -sd,)

# Waits up to 60 s for every zoo port to listen in the target namespace.
all_listening() {
  local ss p
  ss=$(ip netns exec "$target_ns" ss -Hltn)
  for p in ${ports//,/ }; do [[ $ss == *"$target:$p "* ]] || return 1; done
}
for ((i = 0; i < 300; i++)); do all_listening && break; sleep 0.2; done
all_listening || { echo "service_vs_nmap.sh: some zoo servers did not start:" >&2; tail -n 5 "$work"/zoo/*.log >&2; exit 1; }

# --- the two runs
t0=$(now)
# shellcheck disable=SC2086  # extra args are meant to split
ip netns exec "$scanner_ns" "$tojimari" -sV -p "$ports" -n -Pn $tj_args "$target" \
  --ndjson "$work/tj.ndjson" >"$work/tj.out" 2>&1 || { echo "service_vs_nmap.sh: tojimari failed:" >&2; cat "$work/tj.out" >&2; exit 1; }
t1=$(now)
# shellcheck disable=SC2086
ip netns exec "$scanner_ns" nmap -sV -sT -p "$ports" -n -Pn $nmap_args -oX "$work/nmap.xml" "$target" \
  >"$work/nmap.out" 2>&1 || { echo "service_vs_nmap.sh: nmap failed:" >&2; cat "$work/nmap.out" >&2; exit 1; }
t2=$(now)
tj_s=$(elapsed "$t0" "$t1") nmap_s=$(elapsed "$t1" "$t2")

# --- what each tool said, one tab-separated line per port: "port tunnel/name product version"
jq -r 'select(.event == "service") |
  [.port, ((if (.version.tunnel // "") != "" then .version.tunnel + "/" else "" end) + (.service // "")),
   (.version.product // ""), (.version.version // "")] | @tsv' "$work/tj.ndjson" >"$work/tj.tsv"
nmap_attr() { xmllint --xpath "string(//port[@protocol='tcp'][@portid='$1']/service/@$2)" "$work/nmap.xml" 2>/dev/null || true; }
for p in ${ports//,/ }; do
  tunnel=$(nmap_attr "$p" tunnel) svc=$(nmap_attr "$p" name)
  printf '%s\t%s\t%s\t%s\n' "$p" "${tunnel:+$tunnel/}$svc" "$(nmap_attr "$p" product)" "$(nmap_attr "$p" version)"
done >"$work/nmap.tsv"

# --- grading
# mark GOT WANT: "+" right, "-" wrong; version: "." when the server does not tell it.
version_ok() { [[ $1 == "$2" || ${1%% *} == "$2" ]]; }
declare -A right=([tj_s]=0 [tj_p]=0 [tj_v]=0 [nmap_s]=0 [nmap_p]=0 [nmap_v]=0)
n=0 with_version=0 misses=""
fmt='%-6s %-15s %-27s %-10s %-10s\n'
echo
echo "tojimari -sV against nmap -sV -sT on the service zoo ($target, ports $ports)"
echo "marks per tool: service/product/version; + right, - wrong, . version not told by the server"
echo
# shellcheck disable=SC2059
printf "$fmt" PORT PACKAGE "TRUTH (service, version)" tojimari nmap
while read -r port svc package tunnel; do
  # "starttls": a plain service that upgrades on request; the name stays plain.
  want_s=$svc; [[ $tunnel == ssl ]] && want_s=ssl/$svc
  want_p=${product[$package]:-?}
  want_v=""
  if [[ ${tells_version[$package]:-1} == 1 ]]; then
    want_v=$(upstream "$(dpkg-query -W -f='${Version}' "$package")")
    with_version=$((with_version + 1))
  fi
  n=$((n + 1))
  row=()
  for tool in tj nmap; do
    # \x1f, not a tab: read would merge a tab-separated empty field into the next.
    IFS=$'\x1f' read -r _ got_s got_p got_v < <(awk -F'\t' -v OFS=$'\x1f' -v p="$port" '$1 == p { $1 = $1; print }' "$work/$tool.tsv") || true
    m=""
    if [[ ${got_s:-} == "$want_s" ]]; then m+="+"; right[${tool}_s]=$((right[${tool}_s] + 1)); else m+="-"; fi
    if [[ ${got_p:-} == "$want_p" ]]; then m+="+"; right[${tool}_p]=$((right[${tool}_p] + 1)); else m+="-"; fi
    if [[ -z $want_v ]]; then m+="."
    elif version_ok "${got_v:-}" "$want_v"; then m+="+"; right[${tool}_v]=$((right[${tool}_v] + 1))
    else m+="-"; fi
    row+=("$m")
    [[ $m == "+++" || $m == "++." ]] ||
      misses+=$(printf '  %-5s %-8s said: %s | %s | %s' "$port" "$tool" "${got_s:-(none)}" "${got_p:-(none)}" "${got_v:-(none)}")$'\n'
    got_s="" got_p="" got_v=""
  done
  # shellcheck disable=SC2059
  printf "$fmt" "$port" "$package" "$want_s ${want_v:-(n/a)}" "${row[0]}" "${row[1]}"
done < <(sort -n "$work/zoo.txt")

echo
echo "truth products: $(for p in "${!product[@]}"; do echo "$p=${product[$p]}"; done | sort | paste -sd';' | sed 's/;/; /g')"
if [[ -n $misses ]]; then
  echo
  echo "where a tool missed (service | product | version as reported):"
  printf '%s' "$misses"
fi
if [[ -n $keep ]]; then
  mkdir -p "$keep" && cp "$work"/{zoo.txt,tj.ndjson,tj.out,nmap.xml,nmap.out} "$keep"/
fi
ratio=$(awk -v a="$nmap_s" -v b="$tj_s" 'BEGIN { printf "%.1f", (b > 0) ? a / b : 0 }')
echo
printf '%-10s %-9s %-9s %-9s %s\n' TOTAL service product version "wall time"
printf '%-10s %-9s %-9s %-9s %s s\n' tojimari "${right[tj_s]}/$n" "${right[tj_p]}/$n" "${right[tj_v]}/$with_version" "$tj_s"
printf '%-10s %-9s %-9s %-9s %s s\n' nmap "${right[nmap_s]}/$n" "${right[nmap_p]}/$n" "${right[nmap_v]}/$with_version" "$nmap_s"
echo "nmap / tojimari wall time: ${ratio}x"
