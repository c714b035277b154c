# shellcheck shell=bash
# bench/lib.sh: helpers the benchmark scripts share. Sourced, never run.
#
# Every grader reads a tool's own output format and prints what the table
# needs; the truth comes from the lab's facts (lab.sh env), never from a tool.
# Functions here use only their arguments and $work (the script's scratch
# directory).

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }  # T0 T1

# The lab's truth for one host: "port state" for all 65,535 TCP ports, from
# the lab's facts (LAB_OPEN_TCP, LAB_DROP_TCP, LAB_REJECT_TCP).
write_truth() {  # FILE
  awk -v open="$LAB_OPEN_TCP" -v drop="$LAB_DROP_TCP" -v rej="$LAB_REJECT_TCP" 'BEGIN {
    n = split(open, o, ","); for (i = 1; i <= n; i++) isopen[o[i]] = 1
    split(drop, d, "-"); split(rej, r, "-")
    for (p = 1; p <= 65535; p++) {
      s = "closed"
      if (p in isopen) s = "open"
      else if ((p >= d[1] && p <= d[2]) || (p >= r[1] && p <= r[2])) s = "filtered"
      print p, s
    }
  }' >"$1"
}

# --- each tool's output as "port state" (one host) or "ip port" (open pairs)

# nmap's XML lists only the interesting ports; the rest sit in <extraports>
# groups whose <extrareasons ports="..."> attribute names them as ranges.
nmap_states() {  # XML
  awk '
    match($0, /<extraports state="[^"]*"/) { cur = substr($0, RSTART + 19, RLENGTH - 20) }
    match($0, / ports="[^"]*"/) {
      n = split(substr($0, RSTART + 8, RLENGTH - 9), parts, ",")
      for (i = 1; i <= n; i++) {
        lo = parts[i]; hi = parts[i]
        if (index(parts[i], "-")) { split(parts[i], lh, "-"); lo = lh[1]; hi = lh[2] }
        for (p = lo + 0; p <= hi + 0; p++) print p, cur
      }
    }
    match($0, /portid="[0-9]+"><state state="[^"]*"/) {
      s = substr($0, RSTART, RLENGTH); gsub(/[^0-9a-z|" =]/, "", s)
      split(s, f, "\""); print f[2], f[4]
    }' "$1"
}

tj_states() { jq -r 'select(.proto == "tcp") | "\(.port) \(.state)"' "$1"; }  # NDJSON
tj_open_pairs() { jq -r 'select(.proto == "tcp" and .state == "open") | "\(.ip) \(.port)"' "$1" | sort -u; }

# masscan -oL: "open tcp PORT IP TIMESTAMP"; it reports open ports only.
masscan_states() { awk '$1 == "open" && $2 == "tcp" { print $3, "open" }' "$1" | sort -un; }
masscan_open_pairs() { awk '$1 == "open" && $2 == "tcp" { print $4, $3 }' "$1" | sort -u; }

# zmap -O csv -f saddr,sport: a header line, then one line per SYN-ACK.
zmap_open_pairs() { awk -F, 'FNR > 1 && $1 != "" { print $1, $2 }' "$@" | sort -u; }

# --- grading

# Single host: prints "right found total false_open" against the truth file.
# A tool that reports open ports only (masscan) still gets a "right" count:
# it is the share of ports whose state it would imply, and is not shown.
grade_ports() {  # TRUTH STATES
  awk 'NR == FNR { t[$1] = $2; next } { g[$1] = $2 }
    END {
      for (p = 1; p <= 65535; p++) {
        right += (g[p] == t[p]); total += (t[p] == "open")
        found += (t[p] == "open" && g[p] == "open"); fo += (t[p] != "open" && g[p] == "open")
      }
      print right, found, total, fo
    }' "$1" "$2"
}

# Breadth (every pair in the lab's AnyIP /16 is open): prints
# "right found total false_open"; right = found, since open is every pair's
# truth, and false_open counts pairs outside the scanned range.
grade_pairs() {  # PAIRS TOTAL PREFIX PORTS(comma-separated)
  awk -v total="$2" -v prefix="$3" -v ports=",$4," '
    index($1, prefix) == 1 && index(ports, "," $2 ",") { found++; next }
    { fo++ }
    END { print found + 0, found + 0, total, fo + 0 }' "$1"
}

# --- summaries

# Over the lines "seconds probes right found total false_open" of one row:
# "median_s median_pps worst_right worst_found total max_false_open".
summarize_runs() {  # RUNS_FILE
  awk '{ t[NR] = $1; pps[NR] = ($1 > 0) ? $2 / $1 : 0
         if (NR == 1 || $3 < right) right = $3
         if (NR == 1 || $4 < found) found = $4
         total = $5; if ($6 > fo) fo = $6 }
    function median(a, n,   i, j, x) {
      for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END { if (NR) printf "%.3f %.0f %d %d %d %d\n", median(t, NR), median(pps, NR), right, found, total, fo }' "$1"
}

# masscan's receive thread blocks until a packet arrives, so on a silent
# link it never notices that --wait is over. A real network is never silent:
# this sends one UDP datagram from the target to the scanner every 50 ms
# (the scanner's closed port answers with an ICMP error, rate-limited).
# It also ends by itself once OWNER (the benchmark) is gone.
heartbeat_start() {  # TARGET_NS SCANNER_IP OWNER_PID; sets HEARTBEAT_PID
  ip netns exec "$1" bash -c "while kill -0 $3; do echo >/dev/udp/$2/9; sleep 0.05; done" 2>/dev/null &
  HEARTBEAT_PID=$!
}
heartbeat_stop() {
  [[ -n ${HEARTBEAT_PID:-} ]] || return 0
  kill "$HEARTBEAT_PID" 2>/dev/null || true
  wait "$HEARTBEAT_PID" 2>/dev/null || true  # it ends by the signal: not a failure
  HEARTBEAT_PID=""
}
