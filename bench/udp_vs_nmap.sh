#!/usr/bin/env bash
# udp_vs_nmap.sh: tojimari -sU against nmap -sU -T4 on 100 UDP ports of the
# lab target: the UDP zoo (tests/lab/udp_zoo.sh: dnsmasq, rpcbind, chrony,
# snmpd, memcached) and 95 closed ports, with the target's default ICMP rate
# limit (about one port unreachable per second per scanner address after a
# burst of six). One run each, in one lab:
#   nmap -sU -T4; tojimari -sU (one source address); tojimari -sU -S with 8
#   source addresses; tojimari -sU --udp-fast.
# Prints time, states right against the truth, states equal to nmap's, the
# ratio to nmap's time, and how soon tojimari reported its first open port.
#
#   bench/udp_vs_nmap.sh [--build DIR] [--nmap-args "..."]
#
# Needs root, nmap and the zoo's servers (scripts/deps.sh). Everything runs
# in two fresh namespaces, torn down at exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab=$here/../tests/lab/lab.sh
zoo=$here/../tests/lab/udp_zoo.sh
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

build=$here/../build nmap_args="-T4"
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --nmap-args) nmap_args=$2; shift 2 ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "udp_vs_nmap.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
tojimari=${TOJIMARI_BIN:-$build/tojimari}
listen=${LAB_LISTEN_BIN:-$build/tests/lab_listen}
for f in "$tojimari" "$listen"; do
  [[ -x $f ]] || { echo "udp_vs_nmap.sh: not built: $f (use --build DIR)" >&2; exit 2; }
done
command -v nmap >/dev/null || { echo "udp_vs_nmap.sh: nmap is not installed" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "udp_vs_nmap.sh: must run as root" >&2; exit 2; }

name=u$$
work=$(mktemp -d /tmp/tojimari-bench.XXXXXX)
cleanup() { "$zoo" stop "$work" >/dev/null 2>&1 || true; "$lab" down "$name" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# No TCP listener on 53: dnsmasq binds TCP 53 too.
eval "$("$lab" up "$name" --ports 22,80 --sources 8 --listen-bin "$listen" --owner $$)"
target=$LAB_TARGET_IP4
"$zoo" start "$LAB_TARGET_NS" "$work" "$target" >"$work/zoo.txt"
sleep 1.5
open_ports=$(awk '{print $1}' "$work/zoo.txt" | sort -n | paste -sd,)
[[ $open_ports == "53,111,123,161,11211" ]] || { echo "udp_vs_nmap.sh: zoo incomplete: $open_ports" >&2; exit 2; }
ports="$open_ports,1000-1094"
for p in $(tr ',' ' ' <<<"$open_ports"); do echo "$p open"; done >"$work/truth"
for ((p = 1000; p <= 1094; p++)); do echo "$p closed"; done >>"$work/truth"
sort -n -o "$work/truth" "$work/truth"

in_scanner() { ip netns exec "$LAB_SCANNER_NS" "$@"; }
udp_states() { jq -r 'select(.proto == "udp") | "\(.port) \(.state)"' "$1" | sort -n; }  # NDJSON
right() { join "$1" "$2" | awk '$2 == $3 { n++ } END { print n + 0 }'; }  # TRUTH STATES

# tojimari with --ndjson to stdout, read line by line: the time of the first
# open port is when its line arrives.
run_tj() {  # LABEL ARGS...
  local label=$1; shift
  local t0 t1 first="" line
  t0=$(now)
  while IFS= read -r line; do
    echo "$line" >>"$work/$label.ndjson"
    if [[ -z $first && $line == *'"state":"open"'* ]]; then first=$(elapsed "$t0" "$(now)"); fi
  done < <(in_scanner "$tojimari" -sU -Pn -n -p "U:$ports" --ndjson - "$@" "$target" 2>"$work/$label.err")
  t1=$(now)
  udp_states "$work/$label.ndjson" >"$work/$label.states"
  echo "$label $(elapsed "$t0" "$t1") ${first:--}" >>"$work/times"
}

echo "nmap -sU $nmap_args on 100 UDP ports (5 open, 95 closed): about 85 s ..." >&2
t0=$(now)
# shellcheck disable=SC2086
in_scanner nmap -sU $nmap_args -Pn -n -p "U:$ports" -oX "$work/nmap.xml" "$target" >/dev/null 2>&1
t1=$(now)
nmap_states "$work/nmap.xml" | sort -n >"$work/nmap.states"
echo "nmap $(elapsed "$t0" "$t1") -" >>"$work/times"
echo "tojimari -sU ..." >&2
run_tj tojimari
run_tj tojimari-S8 -S "$LAB_SOURCES4"
run_tj tojimari-fast --udp-fast

nmap_time=$(awk '$1 == "nmap" { print $2 }' "$work/times")
printf '\n%-15s %9s %8s %12s %8s %12s\n' tool seconds right same-as-nmap ratio first-open
while read -r label secs first; do
  states=$work/$label.states
  printf '%-15s %9s %5s/100 %9s/100 %8s %12s\n' "$label" "$secs" "$(right "$work/truth" "$states")" \
    "$(right "$work/nmap.states" "$states")" \
    "$(awk -v n="$nmap_time" -v t="$secs" 'BEGIN { printf "%.1fx", n / t }')" "$first"
done <"$work/times"
echo
echo "tojimari --udp-fast calls ports the ICMP limit left unanswered closed|filtered:" \
  "$(awk '$2 == "closed|filtered"' "$work/tojimari-fast.states" | wc -l) of them."
