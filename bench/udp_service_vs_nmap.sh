#!/usr/bin/env bash
# udp_service_vs_nmap.sh: tojimari -sU -sV against nmap -sU -sV on the lab's
# UDP zoo (tests/lab/udp_zoo.sh: dnsmasq, rpcbind, chrony, snmpd, memcached),
# graded per port against the truth as tests/lab/udp_service_test.cc checks
# it (service name; product; version where the server tells it, from
# dpkg-query), and timed. The UDP counterpart of service_vs_nmap.sh, kept
# apart because dnsmasq binds TCP 53 in both zoos.
#
#   bench/udp_service_vs_nmap.sh [--build DIR] [--keep DIR] [--nmap-args "..."]
#
# Needs root, nmap, jq, xmllint and the zoo's servers (scripts/deps.sh).
# Everything runs in two fresh namespaces, torn down at exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab=$here/../tests/lab/lab.sh
zoo=$here/../tests/lab/udp_zoo.sh

build=$here/../build nmap_args="" keep=""
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --nmap-args) nmap_args=$2; shift 2 ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "udp_service_vs_nmap.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
tojimari=${TOJIMARI_BIN:-$build/tojimari}
listen=${LAB_LISTEN_BIN:-$build/tests/lab_listen}
for f in "$tojimari" "$listen"; do
  [[ -x $f ]] || { echo "udp_service_vs_nmap.sh: not built: $f (use --build DIR)" >&2; exit 2; }
done
for c in nmap jq xmllint dpkg-query; do
  command -v "$c" >/dev/null || { echo "udp_service_vs_nmap.sh: $c is not installed" >&2; exit 2; }
done
[[ $(id -u) == 0 ]] || { echo "udp_service_vs_nmap.sh: must run as root" >&2; exit 2; }

# The truth per port: service, product ("" when the server names none: chrony),
# and the package whose version the server tells ("" when it tells none).
declare -A want_s=([53]=domain [111]=rpcbind [123]=ntp [161]=snmp [11211]=memcached)
declare -A want_p=([53]=dnsmasq [111]=rpcbind [123]="" [161]=net-snmp [11211]=memcached)
declare -A want_vpkg=([53]=dnsmasq-base [11211]=memcached)
upstream() { local v=${1#*:}; [[ $v == *-* ]] && v=${v%-*}; v=${v%%+dfsg*}; echo "${v%%\~*}"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

name=usv$$
work=$(mktemp -d /tmp/tojimari-usvbench.XXXXXX)
lab_is_up=0
cleanup() {
  [[ -f $work/zoo/pids ]] && "$zoo" stop "$work/zoo" >/dev/null 2>&1
  ((lab_is_up)) && "$lab" down "$name" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lab_is_up=1
eval "$("$lab" up "$name" --ports 22,80 --listen-bin "$listen" --owner $$)"
target=$LAB_TARGET_IP4 scanner_ns=$LAB_SCANNER_NS target_ns=$LAB_TARGET_NS
mkdir -p "$work/zoo"
"$zoo" start "$target_ns" "$work/zoo" "$target" >"$work/zoo.txt"
ports=$(awk '{ print $1 }' "$work/zoo.txt" | sort -n | paste -sd,)
[[ -n $ports ]] || { echo "udp_service_vs_nmap.sh: none of the UDP zoo is installed (scripts/deps.sh)" >&2; exit 1; }
for ((i = 0; i < 100; i++)); do
  ss=$(ip netns exec "$target_ns" ss -Hulnp) ok=1
  for p in ${ports//,/ }; do [[ $ss == *":$p "* ]] || ok=0; done
  ((ok)) && break; sleep 0.1
done

t0=$(now)
ip netns exec "$scanner_ns" "$tojimari" -sU -sV -p "U:$ports" -n -Pn "$target" --ndjson "$work/tj.ndjson" \
  >"$work/tj.out" 2>&1 || { echo "udp_service_vs_nmap.sh: tojimari failed:" >&2; cat "$work/tj.out" >&2; exit 1; }
t1=$(now)
# shellcheck disable=SC2086
ip netns exec "$scanner_ns" nmap -sU -sV -p "$ports" -n -Pn $nmap_args -oX "$work/nmap.xml" "$target" \
  >"$work/nmap.out" 2>&1 || { echo "udp_service_vs_nmap.sh: nmap failed:" >&2; cat "$work/nmap.out" >&2; exit 1; }
t2=$(now)
tj_s=$(elapsed "$t0" "$t1") nmap_s=$(elapsed "$t1" "$t2")

jq -r 'select(.event == "service") | [.port, .service, (.version.product // ""), (.version.version // "")] | @tsv' \
  "$work/tj.ndjson" >"$work/tj.tsv"
nmap_attr() { xmllint --xpath "string(//port[@protocol='udp'][@portid='$1']/service/@$2)" "$work/nmap.xml" 2>/dev/null || true; }
for p in ${ports//,/ }; do
  printf '%s\t%s\t%s\t%s\n' "$p" "$(nmap_attr "$p" name)" "$(nmap_attr "$p" product)" "$(nmap_attr "$p" version)"
done >"$work/nmap.tsv"

declare -A right=([tj_s]=0 [tj_p]=0 [tj_v]=0 [nmap_s]=0 [nmap_p]=0 [nmap_v]=0)
n=0 with_version=0 said=""
fmt='%-6s %-28s %-10s %-10s\n'
echo
echo "tojimari -sU -sV against nmap -sU -sV on the UDP zoo ($target, ports $ports)"
echo "marks per tool: service/product/version; + right, - wrong, . version not told by the server"
echo
# shellcheck disable=SC2059
printf "$fmt" PORT "TRUTH (service product ver)" tojimari nmap
for port in ${ports//,/ }; do
  wv=""
  if [[ -n ${want_vpkg[$port]:-} ]]; then
    wv=$(upstream "$(dpkg-query -W -f='${Version}' "${want_vpkg[$port]}")"); with_version=$((with_version + 1))
  fi
  n=$((n + 1)) row=()
  for tool in tj nmap; do
    IFS=$'\x1f' read -r _ gs gp gv < <(awk -F'\t' -v OFS=$'\x1f' -v p="$port" '$1 == p { $1 = $1; print }' "$work/$tool.tsv") || true
    m=""
    if [[ ${gs:-} == "${want_s[$port]:-?}" ]]; then m+="+"; right[${tool}_s]=$((right[${tool}_s] + 1)); else m+="-"; fi
    if [[ ${gp:-} == "${want_p[$port]-?}" ]]; then m+="+"; right[${tool}_p]=$((right[${tool}_p] + 1)); else m+="-"; fi
    if [[ -z $wv ]]; then m+="."
    elif [[ ${gv:-} == "$wv" || ${gv%% *} == "$wv" ]]; then m+="+"; right[${tool}_v]=$((right[${tool}_v] + 1))
    else m+="-"; fi
    row+=("$m")
    said+=$(printf '  %-5s %-8s %s | %s | %s' "$port" "$tool" "${gs:-(none)}" "${gp:-(none)}" "${gv:-(none)}")$'\n'
    gs="" gp="" gv=""
  done
  # shellcheck disable=SC2059
  printf "$fmt" "$port" "${want_s[$port]:-?} ${want_p[$port]:-(none)} ${wv:-(n/a)}" "${row[0]}" "${row[1]}"
done
echo
echo "what each tool said (service | product | version):"
printf '%s' "$said"
[[ -n $keep ]] && mkdir -p "$keep" && cp "$work"/{zoo.txt,tj.ndjson,tj.out,nmap.xml,nmap.out} "$keep"/
echo
printf '%-10s %-9s %-9s %-9s %s\n' TOTAL service product version "wall time"
printf '%-10s %-9s %-9s %-9s %s s\n' tojimari "${right[tj_s]}/$n" "${right[tj_p]}/$n" "${right[tj_v]}/$with_version" "$tj_s"
printf '%-10s %-9s %-9s %-9s %s s\n' nmap "${right[nmap_s]}/$n" "${right[nmap_p]}/$n" "${right[nmap_v]}/$with_version" "$nmap_s"
