#!/usr/bin/env bash
# raw_vs_peers.sh: tojimari's SYN scan against nmap, masscan and zmap in the
# test lab (tests/lab/lab.sh), timed and graded against the lab's truth, in
# three scenarios, printed as one table.
#
#   a  one host, all 65,535 TCP ports (25 open, 2,000 dropped, 500 rejected):
#      tojimari -sS -p- (default and faster variants), nmap -sS -T4 and
#      --min-rate 50000, masscan at its best rate
#   b  the same with 2 % loss each way and 5 ms delay; nmap -T4 only with
#      --with-slow-nmap (it takes about 300 s per run there)
#   c  breadth: ports 80,443 on all of 198.19.0.0/16 (131,072 open pairs,
#      the lab's AnyIP): tojimari, masscan at its best rate, zmap (one port
#      per run: two runs, times added)
#
#   bench/raw_vs_peers.sh [--runs N] [--build DIR] [--scenarios a,b,c]
#       [--with-slow-nmap] [--tj-variants "V1;V2;..."] [--masscan-rates "R ..."]
#       [--masscan-wait S] [--masscan-min-found PCT] [--zmap-rate PPS]
#       [--zmap-cooldown S]
#
#   --runs N             timed runs per row (default 3); times are medians,
#                        accuracy is the worst run's
#   --build DIR          where tojimari, tests/lab_listen, tests/lab_delay are
#   --tj-variants        tojimari options per row, ';'-separated; an empty one
#                        is the default timing (default ";-T4;-T5;--min-rate 100000")
#   --masscan-rates      rates tried once each before the timed runs; the
#                        fastest that finds at least --masscan-min-found % of
#                        the open ports (default 80; else the one that finds
#                        the most) is timed, and so is the fastest of all
#   --masscan-wait S     masscan's --wait after sending (default 1)
#   --zmap-rate, --zmap-cooldown  zmap's -r (default 10000000) and -c (default 1)
#
# Needs root and jq, nmap, masscan, zmap. Everything runs in fresh network
# namespaces, one lab per scenario, torn down at exit; masscan and zmap are
# bound to the lab's veth and aimed only at lab addresses.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab=$here/../tests/lab/lab.sh
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

runs=3 build=$here/../build scenarios=a,b,c slow_nmap=0
tj_variants=";-T4;-T5;--min-rate 100000"
masscan_rates="25000 50000 100000 200000 500000 1000000" masscan_wait=1 masscan_min_found=80
zmap_rate=10000000 zmap_cooldown=1
tool_timeout=900  # seconds; a run that hits it is marked, not hidden

parse_args() {
  while (($#)); do
    case $1 in
      --runs) runs=$2; shift 2 ;;
      --build) build=$2; shift 2 ;;
      --scenarios) scenarios=$2; shift 2 ;;
      --with-slow-nmap) slow_nmap=1; shift ;;
      --tj-variants) tj_variants=$2; shift 2 ;;
      --masscan-rates) masscan_rates=$2; shift 2 ;;
      --masscan-wait) masscan_wait=$2; shift 2 ;;
      --masscan-min-found) masscan_min_found=$2; shift 2 ;;
      --zmap-rate) zmap_rate=$2; shift 2 ;;
      --zmap-cooldown) zmap_cooldown=$2; shift 2 ;;
      -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
      *) echo "raw_vs_peers.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
  done
}

check_tools() {
  tojimari=${TOJIMARI_BIN:-$build/tojimari}
  listen=${LAB_LISTEN_BIN:-$build/tests/lab_listen}
  delay=${LAB_DELAY_BIN:-$build/tests/lab_delay}
  local f
  for f in "$tojimari" "$listen" "$delay"; do
    [[ -x $f ]] || { echo "raw_vs_peers.sh: not built: $f (use --build DIR)" >&2; exit 2; }
  done
  for f in jq nmap masscan zmap; do
    command -v "$f" >/dev/null || { echo "raw_vs_peers.sh: $f is not installed" >&2; exit 2; }
  done
  [[ $(id -u) == 0 ]] || { echo "raw_vs_peers.sh: must run as root" >&2; exit 2; }
}

# --- the lab, one per scenario

current_lab=""
cleanup() {
  set +e  # tear everything down even if one step fails
  heartbeat_stop
  [[ -z $current_lab ]] || "$lab" down "$current_lab" >/dev/null 2>&1 || true
  rm -rf "$work"
}

lab_start() {  # SCENARIO lab.sh-options...
  current_lab=rv$$$1; shift
  local facts
  facts=$(LAB_DELAY_BIN=$delay "$lab" up "$current_lab" --listen-bin "$listen" --owner $$ "$@") || exit 1
  eval "$facts"
}
lab_stop() { "$lab" down "$current_lab" >/dev/null 2>&1 || true; current_lab=""; }
syns() { "$lab" syns "$current_lab"; }
# Every tool runs under GNU time, which appends its peak RSS (KB) to
# $work/rss; record() keeps the largest of a run's (zmap runs twice).
in_scanner() {
  ip netns exec "$LAB_SCANNER_NS" timeout "$tool_timeout" /usr/bin/time -a -o "$work/rss" -f %M "$@"
}

# --- rows: "scenario key label" in $work/rows; each run adds a line
# "seconds probes right found total false_open" to $work/SCEN.KEY.runs.

add_row() { echo "$scen $1 $2" >>"$work/rows"; }  # KEY LABEL...

record() {  # KEY SECONDS PROBES RC "right found total false_open"
  local key=$1 s=$2 probes=$3 rc=$4 grade=$5 rss
  rss=$(awk '$1 ~ /^[0-9]+$/ && $1 > m { m = $1 } END { print m + 0 }' "$work/rss" 2>/dev/null || echo 0)
  rm -f "$work/rss"
  echo "$s $probes $grade $rss" >>"$work/$scen.$key.runs"
  ((rc == 0)) || echo "$key" >>"$work/$scen.failed"
  printf '  %-10s %8.3f s %9d probes  right/found/total/false-open: %s%s\n' \
    "$key" "$s" "$probes" "$grade" "$( ((rc == 0)) || echo "  (exit $rc)")"
}

# Grades one tool's output in the current scenario's mode.
grade() {  # KIND FILE...
  local kind=$1; shift
  if [[ $mode == host ]]; then
    "${kind}_states" "$@" >"$work/states"
    grade_ports "$work/truth" "$work/states"
  else
    "${kind}_open_pairs" "$@" >"$work/pairs"
    grade_pairs "$work/pairs" "$pairs_total" 198.19. 80,443
  fi
}

# --- one timed run per tool; each prints the recorded line

run_tj() {  # KEY I OPTIONS
  local key=$1 i=$2 out=$work/$scen.$1.$2.ndjson t0 t1 p0 rc=0
  p0=$(syns); t0=$(now)
  # shellcheck disable=SC2086  # the options are meant to split
  in_scanner "$tojimari" -sS -p "$ports" -n -Pn $3 --ndjson "$out" $target >/dev/null 2>&1 || rc=$?
  t1=$(now)
  record "$key" "$(elapsed "$t0" "$t1")" $(($(syns) - p0)) "$rc" "$(grade tj "$out")"
}

run_nmap() {  # KEY I OPTIONS
  local key=$1 i=$2 out=$work/$scen.$1.$2.xml t0 t1 p0 rc=0
  p0=$(syns); t0=$(now)
  # shellcheck disable=SC2086
  in_scanner nmap -sS -p "$ports" -n -Pn $3 -oX "$out" $target >/dev/null 2>&1 || rc=$?
  t1=$(now)
  record "$key" "$(elapsed "$t0" "$t1")" $(($(syns) - p0)) "$rc" "$(grade nmap "$out")"
}

run_masscan() {  # KEY I RATE
  local key=$1 i=$2 out=$work/$scen.$1.$2.txt t0 t1 p0 rc=0
  heartbeat_start "$LAB_TARGET_NS" "$LAB_SCANNER_IP4" $$
  p0=$(syns); t0=$(now)
  in_scanner masscan -p "${ports/#-/1-65535}" "$target" --rate "$3" --wait "$masscan_wait" \
    --interface "$LAB_SCANNER_IF" --adapter-ip "$LAB_SCANNER_IP4" --adapter-mac "$LAB_SCANNER_MAC" \
    --router-mac "$LAB_TARGET_MAC" -oL "$out" >/dev/null 2>&1 || rc=$?
  t1=$(now)
  heartbeat_stop
  record "$key" "$(elapsed "$t0" "$t1")" $(($(syns) - p0)) "$rc" "$(grade masscan "$out")"
}

# zmap 2.1.1 scans one port per run: both runs count as one, times added.
run_zmap() {  # KEY I
  local key=$1 i=$2 port t0 t1 p0 rc=0 total=0 outs=()
  p0=$(syns)
  for port in ${ports//,/ }; do
    outs+=("$work/$scen.$key.$i.$port.csv")
    t0=$(now)
    in_scanner zmap -p "$port" -i "$LAB_SCANNER_IF" -S "$LAB_SCANNER_IP4" -G "$LAB_TARGET_MAC" \
      -b "$work/zmap-blocklist" -r "$zmap_rate" -c "$zmap_cooldown" -q -O csv -f saddr,sport \
      -o "${outs[-1]}" "$target" >/dev/null 2>&1 || rc=$?
    t1=$(now)
    total=$(awk -v a="$total" -v b="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.3f", a + b }')
  done
  record "$key" "$total" $(($(syns) - p0)) "$rc" "$(grade zmap "${outs[@]}")"
}

# Tries each masscan rate once. Prints two rates: the fastest run that found
# at least masscan_min_found % of the open ports (else the one that found
# the most), and the fastest run whatever it found. masscan's misses vary a
# lot from run to run here (its capture ring), so both get timed rows.
masscan_rates_pick() {
  local rate s probes right found total fo best="" best_s="" most=-1 most_rate="" fast="" fast_s=""
  echo "  masscan rate sweep (--wait $masscan_wait, one run each):" >&2
  for rate in $masscan_rates; do
    run_masscan "sweep$rate" 0 "$rate" | sed 's/^/  /' >&2
    read -r s probes right found total fo < <(tail -1 "$work/$scen.sweep$rate.runs")
    if ((found * 100 >= total * masscan_min_found)) && { [[ -z $best ]] || is_less "$s" "$best_s"; }; then
      best=$rate best_s=$s
    fi
    if ((found > most)); then most=$found most_rate=$rate; fi
    if [[ -z $fast ]] || is_less "$s" "$fast_s"; then fast=$rate fast_s=$s; fi
  done
  echo "${best:-$most_rate} $fast"
}
is_less() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }  # A B: is A < B?

# The masscan rows: the accurate-ish rate, and the fastest if it differs.
masscan_rows() {
  local rate fast
  read -r rate fast < <(masscan_rates_pick)
  echo "masscan|masscan --rate $rate --wait $masscan_wait|run_masscan_v $rate"
  [[ $fast == "$rate" ]] || echo "masscanF|masscan --rate $fast --wait $masscan_wait (fastest)|run_masscan_v $fast"
}

# --- scenarios

# Each scenario registers its rows as "KEY|LABEL|COMMAND", then runs them
# N times, rotating the order so no tool always meets a freshly idle target.
run_rows() {  # ROW...
  local i k n=$# rows=("$@")
  for row in "${rows[@]}"; do IFS='|' read -r key label _ <<<"$row"; add_row "$key" "$label"; done
  for ((i = 1; i <= runs; i++)); do
    echo " run $i/$runs ($(uptime | sed 's/.*load/load/'))"
    for ((k = 0; k < n; k++)); do
      IFS='|' read -r key label cmd <<<"${rows[(k + i - 1) % n]}"
      eval "$cmd $key $i"
    done
  done
}

tj_rows() {  # prints one row per tojimari variant
  local v k=0
  IFS=';' read -ra vs <<<"$tj_variants"
  [[ $tj_variants == *\; ]] && vs+=("")
  for v in "${vs[@]}"; do
    printf 'tj%d|tojimari -sS %s|run_tj_v "%s"\n' $((k++)) "${v:-(default)}" "$v"
  done
}
run_tj_v() { run_tj "$2" "$3" "$1"; }  # OPTIONS KEY I (argument order of a row)
run_nmap_v() { run_nmap "$2" "$3" "$1"; }
run_masscan_v() { run_masscan "$2" "$3" "$1"; }

scenario_header() {  # TEXT
  echo; echo "== scenario $scen: $1"; echo "   $(uptime)"
  echo "$scen|$1|$(uptime | sed 's/.*load average: //')" >>"$work/scenarios"
}

scenario_a() {
  scen=a mode=host target=198.18.0.2 ports=-
  lab_start a
  write_truth "$work/truth"
  scenario_header "one host, 65,535 TCP ports, no loss"
  mapfile -t rows < <(tj_rows; masscan_rows)
  rows+=("nmapT4|nmap -sS -T4|run_nmap_v -T4" "nmapMR|nmap -sS --min-rate 50000|run_nmap_v '--min-rate 50000'")
  run_rows "${rows[@]}"
  lab_stop
}

scenario_b() {
  scen=b mode=host target=198.18.0.2 ports=-
  lab_start b --loss 2 --delay 5
  write_truth "$work/truth"
  scenario_header "one host, 65,535 TCP ports, 2 % loss each way, 5 ms delay"
  mapfile -t rows < <(tj_rows; masscan_rows)
  rows+=("nmapMR|nmap -sS --min-rate 50000|run_nmap_v '--min-rate 50000'")
  ((slow_nmap == 0)) || rows+=("nmapT4|nmap -sS -T4|run_nmap_v -T4")
  run_rows "${rows[@]}"
  lab_stop
}

scenario_c() {
  scen=c mode=breadth target=198.19.0.0/16 ports=80,443 pairs_total=131072
  lab_start c --anyip
  # zmap's own blocklist holds 198.18.0.0/15; this one excludes nothing the
  # lab uses (zmap wants a file). The target range alone bounds the scan.
  echo "192.0.2.0/24" >"$work/zmap-blocklist"
  scenario_header "breadth: ports 80,443 on 198.19.0.0/16 (131,072 open pairs)"
  mapfile -t rows < <(tj_rows; masscan_rows)
  rows+=("zmap|zmap -r $zmap_rate -c $zmap_cooldown (2 runs)|run_zmap")
  run_rows "${rows[@]}"
  lab_stop
}

# --- the table

print_table() {
  echo
  printf '%-2s %-44s %8s %8s %13s %13s %5s %7s %7s\n' "" "tool" "median s" "pps" "open found" "states right" "false" \
    "/tj def" "RSS MB"
  local s key label tj_s line failed rss_mb
  while read -r s key label; do
    line=$(summarize_runs "$work/$s.$key.runs")
    read -r med pps right found total fo <<<"$line"
    [[ $key == tj0 ]] && tj_s=$med
    local states="-"
    if [[ $key == tj* || $key == nmap* ]]; then
      local n=65535; [[ $s == c ]] && n=131072
      states="$right/$n"
    fi
    failed=""; grep -qx "$key" "$work/$s.failed" 2>/dev/null && failed=" !"
    # Peak RSS: the largest of the runs (the 7th field of each run's line).
    rss_mb=$(awk '$7 > m { m = $7 } END { printf "%.1f", m / 1024 }' "$work/$s.$key.runs")
    printf '%-2s %-44s %8.3f %8d %13s %13s %5d %7.2f %7s%s\n' "$s" "$label" "$med" "$pps" "$found/$total" \
      "$states" "$fo" "$(awk -v a="$med" -v b="$tj_s" 'BEGIN { print a / b }')" "$rss_mb" "$failed"
  done <"$work/rows"
  echo
  echo "median s: wall time, process start to exit (median of $runs); pps: SYNs the target received / time;"
  echo "open found, states right: worst run; false: most ports or pairs wrongly reported open in a run;"
  echo "/tj def: this row's time / tojimari default's (>1: tojimari is faster); RSS MB: the largest peak"
  echo "resident memory of the runs (GNU time's %M; for zmap, of either of its two runs)."
  echo "'!': a run exited non-zero or hit the ${tool_timeout}s timeout. Load average at each scenario's start:"
  while IFS='|' read -r s text load; do echo "  $s: $load  ($text)"; done <"$work/scenarios"
}

main() {
  parse_args "$@"
  check_tools
  work=$(mktemp -d /tmp/tojimari-bench.XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  echo "$("$tojimari" -V 2>/dev/null | head -1) ($tojimari, git $(git -C "$here" describe --always --dirty 2>/dev/null));" \
    "$(nproc) CPUs; $runs run(s) per row"
  local s
  for s in ${scenarios//,/ }; do "scenario_$s"; done
  print_table
}

main "$@"
