#!/usr/bin/env bash
# defence_vs_nmap.sh: tojimari -sS against nmap -sS -T4 on a target that
# defends itself (tests/lab/lab.sh defend), in one run, one lab per
# scenario, graded against the lab's truth:
#
#   ban    an IPS bans a source sending more than BAN SYNs a second, for
#          BAN_TIMEOUT seconds (default 200/s, 30 s: issue 16's case)
#   rst    the target sends at most RST RSTs a second (default 200)
#   proxy  nft synproxy on 1000-3000: every port there answers SYN-ACK
#
# For each tool: seconds, ports right, ports it reported undecided (ban,
# RST limit) or unverified (proxy), ports wrong, and the SYNs the target
# received (the probes). A port is right when its state is the lab's truth;
# under the proxy, the proxied closed ports are right only when reported as
# not open (or flagged unverified, counted apart).
#
#   bench/defence_vs_nmap.sh [--build DIR] [--scenarios ban,rst,proxy]
#       [--ports SPEC] [--ban N] [--ban-timeout S] [--rst N] [--no-nmap]
#
#   --ports SPEC   ports to scan (default 1-65535; e.g. 1-5000 for a quick run)
#   --no-nmap      tojimari only (nmap -T4 takes about 11 minutes per
#                  full-port ban or RST scenario)
#
# Needs root, jq and nmap. Everything runs in fresh network namespaces torn
# down at exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab=$here/../tests/lab/lab.sh
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

build=$here/../build scenarios=ban,rst,proxy ports=1-65535 ban=200 ban_timeout=30 rst=200 with_nmap=1
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --ports) ports=$2; shift 2 ;;
    --ban) ban=$2; shift 2 ;;
    --ban-timeout) ban_timeout=$2; shift 2 ;;
    --rst) rst=$2; shift 2 ;;
    --no-nmap) with_nmap=0; shift ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "defence_vs_nmap.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
tojimari=${TOJIMARI_BIN:-$build/tojimari}
listen=${LAB_LISTEN_BIN:-$build/tests/lab_listen}
for f in "$tojimari" "$listen"; do [[ -x $f ]] || { echo "defence_vs_nmap.sh: not built: $f" >&2; exit 2; }; done
for f in jq nmap; do command -v "$f" >/dev/null || { echo "defence_vs_nmap.sh: $f is not installed" >&2; exit 2; }; done
[[ $(id -u) == 0 ]] || { echo "defence_vs_nmap.sh: must run as root" >&2; exit 2; }

work=$(mktemp -d)
current_lab=""
cleanup() {
  set +e
  [[ -z $current_lab ]] || "$lab" down "$current_lab" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# The ports of SPEC, one per line.
expand() { tr ',' '\n' <<<"$1" | awk -F- '{ hi = NF > 1 ? $2 : $1; for (p = $1; p <= hi; p++) print p }'; }

# "port state reason" of tojimari's -oJ, folded ports included.
tj_rows() {
  jq -r '.hosts[0] | (.ports[] | "\(.port) \(.state) \(.reason)"),
    (.extra_ports[] | .state as $s | .reasons[] | .reason as $r | .ports | split(",")[] |
      (split("-") | map(tonumber)) as $x | range($x[0]; ($x[1] // $x[0]) + 1) | "\(.) \($s) \($r)")' "$1"
}
# "port state reason" of nmap's XML.
nmap_rows() { nmap_states "$1" | awk '{ print $1, $2, "-" }'; }

# "right undecided unverified wrong" against the truth ("port state"); the
# proxied range's truth is closed unless the lab listens there.
grade() {  # TRUTH ROWS
  awk 'NR == FNR { t[$1] = $2; next }
    $3 == "host-went-silent" || $3 == "rst-ratelimit" { und++; next }
    $3 == "syn-ack-unverified" { unv++; next }
    { s = $2; if (s == "closed|filtered") s = "?"; if (s == t[$1]) right++; else wrong++ }
    END { print right + 0, und + 0, unv + 0, wrong + 0 }' "$1" "$2"
}

row() {  # SCENARIO TOOL SECONDS SYNS "right undecided unverified wrong" TOTAL
  read -r right und unv wrong <<<"$5"
  printf '%-6s %-30s %9.1f s %8d/%d right %7d undecided %6d unverified %6d wrong %9d SYNs\n' \
    "$1" "$2" "$3" "$right" "$6" "$und" "$unv" "$wrong" "$4" | tee -a "$work/table"
}

run_scenario() {  # NAME DEFEND-ARGS...
  local name=$1 facts t0 t1 s0 total
  shift
  current_lab=dv$$${name:0:2}
  facts=$("$lab" up "$current_lab" --listen-bin "$listen" --owner $$) || exit 1
  eval "$facts"
  [[ $name != proxy ]] || "$lab" listen "$current_lab" --greet 2000 >/dev/null
  "$lab" defend "$current_lab" "$@" >/dev/null
  local open=$LAB_OPEN_TCP
  [[ $name != proxy ]] || open+=,2000
  expand "$ports" | awk -v open="$open" -v drop="$LAB_DROP_TCP" -v rej="$LAB_REJECT_TCP" '
    BEGIN { n = split(open, o, ","); for (i = 1; i <= n; i++) isopen[o[i]] = 1; split(drop, d, "-"); split(rej, r, "-") }
    { s = "closed"; if ($1 in isopen) s = "open"
      else if (($1 >= d[1] && $1 <= d[2]) || ($1 >= r[1] && $1 <= r[2])) s = "filtered"
      print $1, s }' >"$work/truth"
  total=$(wc -l <"$work/truth")
  echo "== $name: $* on ports $ports"
  s0=$("$lab" syns "$current_lab"); t0=$(now)
  ip netns exec "$LAB_SCANNER_NS" "$tojimari" -sS -p "$ports" -n -Pn -oJ "$work/tj.json" 198.18.0.2 \
    >/dev/null 2>"$work/tj.err" || true
  t1=$(now)
  grep '^Note:' "$work/tj.err" | sed 's/^/   /' || true
  tj_rows "$work/tj.json" >"$work/tj.rows"
  row "$name" "tojimari -sS" "$(elapsed "$t0" "$t1")" $(($("$lab" syns "$current_lab") - s0)) \
    "$(grade "$work/truth" "$work/tj.rows")" "$total"
  if ((with_nmap)); then
    # The ban lasts: let it pass before nmap starts.
    [[ $name != ban ]] || sleep "$ban_timeout"
    s0=$("$lab" syns "$current_lab"); t0=$(now)
    ip netns exec "$LAB_SCANNER_NS" nmap -sS -T4 -p "$ports" -n -Pn -oX "$work/nmap.xml" 198.18.0.2 >/dev/null 2>&1 || true
    t1=$(now)
    nmap_rows "$work/nmap.xml" >"$work/nmap.rows"
    row "$name" "nmap -sS -T4" "$(elapsed "$t0" "$t1")" $(($("$lab" syns "$current_lab") - s0)) \
      "$(grade "$work/truth" "$work/nmap.rows")" "$total"
  fi
  "$lab" down "$current_lab" >/dev/null 2>&1
  current_lab=""
}

IFS=, read -ra list <<<"$scenarios"
for s in "${list[@]}"; do
  case $s in
    ban) run_scenario ban ban "$ban" "$ban_timeout" ;;
    rst) run_scenario rst rst-limit "$rst" 10 ;;
    proxy) run_scenario proxy synproxy 1000-3000 ;;
    *) echo "defence_vs_nmap.sh: unknown scenario '$s'" >&2; exit 2 ;;
  esac
done
echo
echo "== summary (ports $ports)"
cat "$work/table"
