#!/usr/bin/env bash
# connect_vs_nmap.sh: tojimari's TCP connect scan against nmap's, side by
# side, on all 65,535 ports of the lab target (tests/lab/lab.sh), timed and
# graded against the lab's truth.
#
#   bench/connect_vs_nmap.sh [--runs N] [--loss PCT] [--build DIR]
#                            [--tj-args "..."] [--nmap-args "..."]
#
#   --runs N         runs per tool (default 3); times are medians
#   --loss PCT       packet loss each way on the target's link (default 0)
#   --build DIR      where tojimari and tests/lab_listen are built
#                    (default build/ next to this script's parent)
#   --tj-args/--nmap-args  extra options (nmap's default is -T4)
#
# Needs root. Everything runs in two fresh namespaces, torn down at exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab=$here/../tests/lab/lab.sh
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

runs=3 loss=0 build=$here/../build tj_args="" nmap_args="-T4"
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --loss) loss=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --tj-args) tj_args=$2; shift 2 ;;
    --nmap-args) nmap_args=$2; shift 2 ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "connect_vs_nmap.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
tojimari=${TOJIMARI_BIN:-$build/tojimari}
listen=${LAB_LISTEN_BIN:-$build/tests/lab_listen}
for f in "$tojimari" "$listen"; do
  [[ -x $f ]] || { echo "connect_vs_nmap.sh: not built: $f (use --build DIR)" >&2; exit 2; }
done
command -v nmap >/dev/null || { echo "connect_vs_nmap.sh: nmap is not installed" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "connect_vs_nmap.sh: must run as root" >&2; exit 2; }

name=b$$
work=$(mktemp -d /tmp/tojimari-bench.XXXXXX)
cleanup() { "$lab" down "$name" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

eval "$("$lab" up "$name" --listen-bin "$listen" --loss "$loss" --owner $$)"
target=$LAB_TARGET_IP4

write_truth "$work/truth.tsv"  # "port state" for every port, as the lab defines it
grade() { grade_ports "$work/truth.tsv" "$1"; }  # "right found total false_open"

# run_tool TOOL I: one timed run; appends "seconds right found total false_open".
run_tool() {
  local tool=$1 i=$2 t0 t1 tsv=$work/$1$2.tsv
  t0=$(now)
  # shellcheck disable=SC2086  # extra args are meant to split
  if [[ $tool == tojimari ]]; then
    ip netns exec "$LAB_SCANNER_NS" "$tojimari" -sT -p- -n -Pn $tj_args --ndjson "$work/tj$i.ndjson" "$target" >/dev/null
    t1=$(now)
    tj_states "$work/tj$i.ndjson" >"$tsv"
  else
    ip netns exec "$LAB_SCANNER_NS" nmap -sT -p- -n -Pn $nmap_args -oX "$work/nmap$i.xml" "$target" >/dev/null
    t1=$(now)
    nmap_states "$work/nmap$i.xml" >"$tsv"
  fi
  local line
  line="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(grade "$tsv")"
  echo "$line" >>"$work/$tool.runs"
  awk -v i="$i" -v tool="$tool" '{ printf "  run %d %-8s %7.3f s  state right %d/65535, open %d/%d, false open %d\n",
    i, tool, $1, $2, $3, $4, $5 }' <<<"$line"
}

# summary TOOL: "median_s worst_accuracy% open_found/total false_open" over runs.
summary() {
  sort -n -k1,1 "$work/$1.runs" | awk '
    { t[NR] = $1; if (NR == 1 || $2 < right) right = $2
      if (NR == 1 || $3 < found) found = $3; total = $4; if ($5 > fo) fo = $5 }
    END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
          printf "%.3f %.3f %d/%d %d\n", m, 100 * right / 65535, found, total, fo }'
}

echo "lab $name: 65,535 TCP ports on $target: $(tr , '\n' <<<"$LAB_OPEN_TCP" | wc -l) open," \
  "$(( ${LAB_DROP_TCP#*-} - ${LAB_DROP_TCP%-*} + 1 )) dropped, $(( ${LAB_REJECT_TCP#*-} - ${LAB_REJECT_TCP%-*} + 1 )) rejected;" \
  "loss ${loss}% each way; $runs run(s) each"
((loss == 0)) || echo "note: nmap -T4 backs off hard under loss (about 7 minutes per run at 2%)"
for ((i = 1; i <= runs; i++)); do
  # Alternate who goes first so neither always scans a freshly idle target.
  if ((i % 2)); then run_tool tojimari "$i"; run_tool nmap "$i"; else run_tool nmap "$i"; run_tool tojimari "$i"; fi
done

read -r tj_s tj_acc tj_open tj_fo <<<"$(summary tojimari)"
read -r nm_s nm_acc nm_open nm_fo <<<"$(summary nmap)"
echo
printf '%-28s %10s %16s %12s %11s\n' tool "median s" "state accuracy" "open found" "false open"
printf '%-28s %10s %15s%% %12s %11s\n' "tojimari -sT $tj_args" "$tj_s" "$tj_acc" "$tj_open" "$tj_fo"
printf '%-28s %10s %15s%% %12s %11s\n' "nmap -sT $nmap_args" "$nm_s" "$nm_acc" "$nm_open" "$nm_fo"
awk -v a="$nm_s" -v b="$tj_s" 'BEGIN { printf "tojimari is %.2fx nmap'"'"'s speed (nmap time / tojimari time); accuracy is the worst run\n", a / b }'
