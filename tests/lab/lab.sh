#!/usr/bin/env bash
# lab.sh: tojimari's test lab. Two network namespaces joined by one veth pair:
# the scanner's and the target's. The target runs real listeners and nftables
# rules, so every port has a known truth (open, closed, dropped, rejected).
#
#   lab.sh up NAME [--loss PCT] [--loss-probe PCT] [--loss-reply PCT]
#                  [--delay MS] [--ports P,P,...] [--listen-bin PATH]
#                  [--delay-bin PATH] [--anyip] [--sources N] [--owner PID]
#       Builds the lab and prints its facts as KEY=VALUE lines (eval-able).
#       --delay: holds every packet reaching the target for MS milliseconds
#         (lab_delay on an NFQUEUE, since this kernel has no netem), so the
#         round trip grows by MS. A userspace hop: beyond its rate (see
#         bench/README.md) packets queue up and wait longer; none is lost.
#         --delay-bin defaults to lab_delay beside the listener binary, or
#         $LAB_DELAY_BIN.
#       --sources N: N more scanner addresses (198.18.0.10.. and 2001:2::10..)
#         for -S: the target's ICMP rate limit is per scanner address.
#       --owner: the process the lab belongs to, for sweep.
#       --discovery: more target addresses for host discovery tests (see
#         _lab_discovery): some silent, some answering only some probes.
#   lab.sh down NAME          Tears it down; safe to repeat.
#   lab.sh env NAME           Prints the facts again.
#   lab.sh listen NAME [--delay SEC] PORT...
#       Starts one more listener in the target (after SEC seconds, in the
#       background); down kills it too.
#   lab.sh probes NAME        TCP+UDP packets the target has received so far
#                             (not counting DNS to 53/udp).
#   lab.sh syns NAME          TCP SYNs (without ACK) received so far: the
#                             probes of a SYN scan, without the scanner
#                             kernel's RSTs to the SYN-ACKs.
#   lab.sh downprobes NAME    Packets sent to the --discovery lab's silent
#                             host 198.18.1.2 so far.
#   lab.sh defend NAME KIND [ARGS]
#       The target defends itself (nftables in its namespace; the thresholds
#       are the test's to vary), as real networks do:
#         ban RATE [TIMEOUT]    an IPS: a source sending more than RATE new
#                               SYNs per second (burst RATE) is dropped
#                               entirely for TIMEOUT seconds (default 30)
#         ban-count N [TIMEOUT] the same after N SYNs at any rate above
#                               N per minute
#         rst-limit RATE [BURST] the target sends at most RATE RSTs per
#                               second (burst BURST, default 10), as Solaris
#                               and many firewalls do; the rest are dropped
#         synproxy PORTS        nft synproxy on PORTS (a range or set): each
#                               answers a SYN with a SYN-ACK, listener or not
#         clear                 removes all of it
#   lab.sh counter NAME rsts|synacks|bans
#       RSTs and SYN-ACKs the target sent over the link so far; bans: how
#       many times a source was banned.
#   lab.sh sweep              Tears down labs whose --owner process is gone
#                             (left behind by a test killed on timeout).
#
# NAME is a short unique id ([a-z0-9], at most 11 characters, e.g. a PID):
# namespaces and interfaces are tjs<NAME> (scanner) and tjt<NAME> (target),
# which keeps names within Linux's 15-character limit and lets parallel runs
# coexist. The lab never touches the host's own network: the scanner's only
# routes lead into the target namespace, which does not forward.
#
# Also usable as a library: `source lab.sh` defines lab_up/lab_down/... and
# runs nothing.

LAB_STATE_ROOT=${LAB_STATE_ROOT:-/tmp/tojimari-lab}
LAB_SCANNER_IP4=198.18.0.1
LAB_TARGET_IP4=198.18.0.2
LAB_SCANNER_IP6=2001:2::1
LAB_TARGET_IP6=2001:2::2
LAB_DROP_TCP=40000-41999     # nftables drop: filtered, no-response
LAB_REJECT_TCP=42000-42499   # nftables reject admin-prohibited (ICMP rate-limited)
LAB_SPARE_TCP=50000-50999    # always closed; tests start their own listeners here
LAB_DROP_UDP=40000-40019     # nftables drop for UDP: open|filtered (nothing else listens on UDP)
# Listeners cover both ends of the port space and both edges of the filtered
# ranges (39999, 42500), where off-by-one errors in a scanner show first.
LAB_FIXED_TCP="1 21 22 25 53 80 110 143 443 993 3306 5432 6379 8080 8443 27017 33080 39999 42500 60000 65535"
LAB_RANDOM_COUNT=4
LAB_DELAY_QUEUE=7            # NFQUEUE number; queues are per namespace

_lab_die() { echo "lab.sh: $*" >&2; return 1; }
# Setup steps run in a subshell and use this instead of errexit, which bash
# silently ignores when the caller tests the result (`if lab_up ...`).
_lab_must() { "$@" || { echo "lab.sh: failed: $*" >&2; exit 1; }; }

_lab_names() {  # sets the per-lab names from NAME
  local name=$1
  [[ $name =~ ^[a-z0-9]{1,11}$ ]] || { _lab_die "NAME must be 1-11 chars of [a-z0-9], got '$name'"; return 1; }
  LAB_NAME=$name
  LAB_SCANNER_NS=tjs$name LAB_TARGET_NS=tjt$name
  LAB_SCANNER_IF=tjs$name LAB_TARGET_IF=tjt$name
  LAB_STATE=$LAB_STATE_ROOT/$name
}

_lab_in_range() {  # PORT LO-HI
  local p=$1 lo=${2%-*} hi=${2#*-}
  ((p >= lo && p <= hi))
}

# A few random high ports per run, so a scanner cannot pass by accident on a
# fixed list; they avoid the filtered and spare ranges and the fixed ports.
_lab_random_ports() {
  local out=() p
  while ((${#out[@]} < LAB_RANDOM_COUNT)); do
    p=$(( (RANDOM * 32768 + RANDOM) % 55000 + 10000 ))
    _lab_in_range "$p" 40000-42500 && continue
    _lab_in_range "$p" "$LAB_SPARE_TCP" && continue
    [[ " $LAB_FIXED_TCP ${out[*]} " == *" $p "* ]] && continue
    out+=("$p")
  done
  echo "${out[*]}"
}

_lab_net() {  # namespaces, veth, addresses, routes
  local ns
  _lab_must ip netns add "$LAB_SCANNER_NS"
  _lab_must ip netns add "$LAB_TARGET_NS"
  # Created straight inside the namespaces: never visible in the host's.
  _lab_must ip -n "$LAB_SCANNER_NS" link add name "$LAB_SCANNER_IF" type veth \
    peer name "$LAB_TARGET_IF" netns "$LAB_TARGET_NS"
  _lab_must ip netns exec "$LAB_TARGET_NS" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
  # The first IPv6 neighbour solicitation right after the link comes up is
  # lost (measured: two sent, one answered), and the kernel asks again only
  # after retrans_time (1 s): every lab would start a second late. Asking
  # again after 100 ms costs nothing on a veth.
  _lab_must ip netns exec "$LAB_SCANNER_NS" sysctl -qw "net.ipv6.neigh.$LAB_SCANNER_IF.retrans_time_ms=100"
  _lab_must ip netns exec "$LAB_TARGET_NS" sysctl -qw "net.ipv6.neigh.$LAB_TARGET_IF.retrans_time_ms=100"
  for ns in "$LAB_SCANNER_NS" "$LAB_TARGET_NS"; do _lab_must ip -n "$ns" link set lo up; done
  _lab_must ip -n "$LAB_SCANNER_NS" addr add "$LAB_SCANNER_IP4/24" dev "$LAB_SCANNER_IF"
  _lab_must ip -n "$LAB_SCANNER_NS" addr add "$LAB_SCANNER_IP6/64" dev "$LAB_SCANNER_IF" nodad
  _lab_must ip -n "$LAB_TARGET_NS" addr add "$LAB_TARGET_IP4/24" dev "$LAB_TARGET_IF"
  _lab_must ip -n "$LAB_TARGET_NS" addr add "$LAB_TARGET_IP6/64" dev "$LAB_TARGET_IF" nodad
  local i
  for ((i = 0; i < LAB_SOURCES; i++)); do
    _lab_must ip -n "$LAB_SCANNER_NS" addr add "198.18.0.$((10 + i))/24" dev "$LAB_SCANNER_IF"
    _lab_must ip -n "$LAB_SCANNER_NS" addr add "2001:2::$((10 + i))/64" dev "$LAB_SCANNER_IF" nodad
  done
  _lab_must ip -n "$LAB_SCANNER_NS" link set "$LAB_SCANNER_IF" up
  _lab_must ip -n "$LAB_TARGET_NS" link set "$LAB_TARGET_IF" up
  # Tools that want a gateway find one, and every stray packet dies in the
  # target namespace (no route out, no forwarding).
  _lab_must ip -n "$LAB_SCANNER_NS" route add default via "$LAB_TARGET_IP4"
  _lab_must ip -n "$LAB_SCANNER_NS" -6 route add default via "$LAB_TARGET_IP6"
  if [[ $LAB_ANYIP == 1 ]]; then  # the target answers for all of 198.19.0.0/16
    _lab_must ip -n "$LAB_TARGET_NS" route add local 198.19.0.0/16 dev lo
  fi
  # Name lookups inside the scanner namespace go to the target, whose closed
  # port 53/udp refuses at once: an unresolvable name fails fast and no query
  # ever leaves the lab (ip netns exec bind-mounts /etc/netns/NS/resolv.conf).
  _lab_must mkdir -p "/etc/netns/$LAB_SCANNER_NS"
  _lab_must printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$LAB_TARGET_IP4" \
    >"/etc/netns/$LAB_SCANNER_NS/resolv.conf"
}

_lab_firewall() {  # the target's filtered ranges and optional loss
  _lab_must ip netns exec "$LAB_TARGET_NS" nft -f - <<EOF
table inet tjlab {
  chain input {
    type filter hook input priority 0; policy accept;
    # Only what comes over the link: the ranges are inside the ephemeral
    # port range, and a reply to the target's own connections (stunnel to
    # redis in the service zoo) must not be dropped when its port is there.
    iifname "$LAB_TARGET_IF" tcp dport $LAB_DROP_TCP drop
    iifname "$LAB_TARGET_IF" tcp dport $LAB_REJECT_TCP reject with icmpx type admin-prohibited
    iifname "$LAB_TARGET_IF" udp dport $LAB_DROP_UDP drop
  }
}
# Counts what a scan sends (lab.sh probes), whatever its destination and
# before any loss. DNS lookups the lab points here are not scanning.
table netdev tjedge {
  counter probes { }
  counter syns { }
  counter rsts { }
  counter synacks { }
  chain ingress {
    type filter hook ingress device "$LAB_TARGET_IF" priority -10; policy accept;
    tcp flags & (syn | ack) == syn counter name "syns"
    meta l4proto tcp counter name "probes"
    udp dport != 53 counter name "probes"
  }
  # What the target sends back, after its own output rules (lab.sh defend).
  chain egress {
    type filter hook egress device "$LAB_TARGET_IF" priority 10; policy accept;
    tcp flags & rst == rst counter name "rsts"
    tcp flags & (syn | ack) == syn | ack counter name "synacks"
  }
}
EOF
  ((LAB_LOSS_PROBE > 0 || LAB_LOSS_REPLY > 0)) || return 0
  # Loss hits IP payloads only: a lost ARP/ND packet would stall the whole
  # link for a second, which is a different fault from per-packet loss.
  _lab_must ip netns exec "$LAB_TARGET_NS" nft -f - <<EOF
table netdev tjloss {
  chain probe_loss {
    type filter hook ingress device "$LAB_TARGET_IF" priority 0; policy accept;
    meta l4proto { tcp, udp, icmp } numgen random mod 100 < $LAB_LOSS_PROBE counter drop
    icmpv6 type { destination-unreachable, time-exceeded, echo-request, echo-reply } numgen random mod 100 < $LAB_LOSS_PROBE counter drop
  }
  chain reply_loss {
    type filter hook egress device "$LAB_TARGET_IF" priority 0; policy accept;
    meta l4proto { tcp, udp, icmp } numgen random mod 100 < $LAB_LOSS_REPLY counter drop
    icmpv6 type { destination-unreachable, time-exceeded, echo-request, echo-reply } numgen random mod 100 < $LAB_LOSS_REPLY counter drop
  }
}
EOF
}

# Host discovery's lab (--discovery). On the link (ARP/NDP answer for it):
#   198.18.0.3, 2001:2::3   answer ARP/NDP only: every IP packet is dropped
#   198.18.0.4, 2001:2::4   nobody (no ARP/NDP answer)
# Behind the target as a router (198.18.1.0/24, 2001:2:1::/64 via the
# target; the scanner ARPs only for the target):
#   198.18.1.1, 2001:2:1::1 answer everything
#   198.18.1.2, 2001:2:1::2 drop everything (counted: lab.sh downprobes)
#   198.18.1.3              drops ICMP echo requests, answers the rest
#   198.18.1.4              answers ICMP timestamp requests only
#   198.18.1.5              nobody (the target does not forward)
_lab_discovery() {
  ((LAB_DISCOVERY == 1)) || return 0
  local a
  _lab_must ip -n "$LAB_TARGET_NS" addr add 198.18.0.3/24 dev "$LAB_TARGET_IF"
  _lab_must ip -n "$LAB_TARGET_NS" addr add 2001:2::3/64 dev "$LAB_TARGET_IF" nodad
  for a in 198.18.1.1 198.18.1.2 198.18.1.3 198.18.1.4; do
    _lab_must ip -n "$LAB_TARGET_NS" addr add "$a/32" dev lo
  done
  for a in 2001:2:1::1 2001:2:1::2; do _lab_must ip -n "$LAB_TARGET_NS" addr add "$a/128" dev lo nodad; done
  _lab_must ip -n "$LAB_SCANNER_NS" route add 198.18.1.0/24 via "$LAB_TARGET_IP4"
  _lab_must ip -n "$LAB_SCANNER_NS" -6 route add 2001:2:1::/64 via "$LAB_TARGET_IP6"
  _lab_must ip netns exec "$LAB_TARGET_NS" nft -f - <<EOF
table inet tjdisc {
  counter down_probes { }
  chain input {
    type filter hook input priority -5; policy accept;
    ip daddr 198.18.0.3 drop
    ip6 daddr 2001:2::3 drop
    ip daddr 198.18.1.2 counter name "down_probes" drop
    ip6 daddr 2001:2:1::2 drop
    ip daddr 198.18.1.3 icmp type echo-request drop
    ip daddr 198.18.1.4 icmp type timestamp-request accept
    ip daddr 198.18.1.4 drop
  }
}
EOF
}

# The delay line: lab_delay holds what reaches the target over its veth for
# the delay, so every round trip grows by exactly that. It starts before the
# rules that feed it (a queue nobody reads drops everything) and its PID is
# recorded for down.
# Why the probes and not the replies: a reply held on a queue in OUTPUT stays
# charged to the kernel's per-CPU socket that sends RSTs and ICMP errors, and
# once its send buffer fills (a few hundred packets: about 50,000 pps at
# 5 ms) the kernel silently stops replying. A held probe belongs to no socket.
# The lab's probe loss (netdev ingress) still comes first and its reply loss
# (netdev egress) last, so loss and delay combine as on a real path.
_lab_delay() {
  ((LAB_DELAY_MS > 0)) || return 0
  local log pid i
  log=$(mktemp "$LAB_STATE/delay.XXXXXX")
  # nice -10: the line does work the kernel would do in softirq, ahead of
  # any process; at the default priority a busy scanner starves it (p50
  # round trip 270 ms instead of 8 ms at 100,000 pps on 2 cores).
  ip netns exec "$LAB_TARGET_NS" nice -n -10 "$LAB_DELAY_BIN" --queue "$LAB_DELAY_QUEUE" "$LAB_DELAY_MS" \
    >"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >>"$LAB_STATE/pids"
  for ((i = 0; i < 100; i++)); do
    grep -q '^ready$' "$log" && break
    kill -0 "$pid" 2>/dev/null || { _lab_die "lab_delay did not start: $(cat "$log")"; return 1; }
    sleep 0.05
  done
  grep -q '^ready$' "$log" || { _lab_die "lab_delay did not start: $(cat "$log")"; return 1; }
  local ipt
  for ipt in iptables-legacy ip6tables-legacy; do
    _lab_must ip netns exec "$LAB_TARGET_NS" "$ipt" -t mangle -A PREROUTING -i "$LAB_TARGET_IF" \
      -j NFQUEUE --queue-num "$LAB_DELAY_QUEUE"
  done
}

# Starts lab_listen in the target; records its PID for down. `ip netns exec`
# execs the program itself, so $! is the listener's own PID.
_lab_start_listener() {  # DELAY PORT...
  local delay=$1; shift
  local log
  log=$(mktemp "$LAB_STATE/listen.XXXXXX")
  if ((delay > 0)); then
    (sleep "$delay"; exec ip netns exec "$LAB_TARGET_NS" "$LAB_LISTEN_BIN" "$@") >"$log" 2>&1 </dev/null &
    echo $! >>"$LAB_STATE/pids"
    return 0
  fi
  ip netns exec "$LAB_TARGET_NS" "$LAB_LISTEN_BIN" "$@" >"$log" 2>&1 </dev/null &
  local pid=$! i
  echo "$pid" >>"$LAB_STATE/pids"
  for ((i = 0; i < 100; i++)); do
    grep -q '^ready$' "$log" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  _lab_die "listener did not start: $(cat "$log")"
}

_lab_sanity() {  # the lab must be reachable over both families before use
  # The kernel turns a veth's carrier on in the background (linkwatch, up to
  # a second later); until both ends say UP their packets are dropped.
  local i
  for ((i = 0; i < 300; i++)); do
    [[ $(ip -n "$LAB_SCANNER_NS" -br link show dev "$LAB_SCANNER_IF") == *" UP "* &&
       $(ip -n "$LAB_TARGET_NS" -br link show dev "$LAB_TARGET_IF") == *" UP "* ]] && break
    sleep 0.01
  done
  local addr
  for addr in "$LAB_TARGET_IP4" "$LAB_TARGET_IP6"; do
    for ((i = 0; i < 10; i++)); do
      ip netns exec "$LAB_SCANNER_NS" timeout 5 bash -c "exec 3<>/dev/tcp/$addr/22" 2>/dev/null && continue 2
      sleep 0.2
    done
    _lab_die "scanner namespace cannot reach $addr port 22"
    return 1
  done
  # Those connections close in the background; wait until the scanner side
  # has sent its last packet of them, or a test counting what the target
  # receives (lab.sh probes) sees a late ACK as one more probe.
  for ((i = 0; i < 200; i++)); do
    [[ -z $(ip netns exec "$LAB_SCANNER_NS" ss -Htan state connected exclude time-wait) ]] && return 0
    sleep 0.01
  done
  _lab_die "the sanity connections to port 22 did not close"
}

_lab_mac() { ip -n "$1" -br link show dev "$2" | awk '{print $3}'; }

_lab_write_env() {
  local open
  open=$(tr ' ' '\n' <<<"$LAB_OPEN" | sort -n | paste -sd,)
  cat >"$LAB_STATE/env" <<EOF
LAB_NAME=$LAB_NAME
LAB_SCANNER_NS=$LAB_SCANNER_NS
LAB_TARGET_NS=$LAB_TARGET_NS
LAB_SCANNER_IF=$LAB_SCANNER_IF
LAB_TARGET_IF=$LAB_TARGET_IF
LAB_SCANNER_MAC=$(_lab_mac "$LAB_SCANNER_NS" "$LAB_SCANNER_IF")
LAB_TARGET_MAC=$(_lab_mac "$LAB_TARGET_NS" "$LAB_TARGET_IF")
LAB_SCANNER_IP4=$LAB_SCANNER_IP4
LAB_TARGET_IP4=$LAB_TARGET_IP4
LAB_SCANNER_IP6=$LAB_SCANNER_IP6
LAB_TARGET_IP6=$LAB_TARGET_IP6
LAB_OPEN_TCP=$open
LAB_DROP_TCP=$LAB_DROP_TCP
LAB_REJECT_TCP=$LAB_REJECT_TCP
LAB_SPARE_TCP=$LAB_SPARE_TCP
LAB_DROP_UDP=$LAB_DROP_UDP
LAB_SOURCES4=$( ((LAB_SOURCES)) && echo "198.18.0.10-$((9 + LAB_SOURCES))")
LAB_SOURCES6=$(for ((i = 0; i < LAB_SOURCES; i++)); do echo "2001:2::$((10 + i))"; done | paste -sd,)
LAB_LOSS_PROBE=$LAB_LOSS_PROBE
LAB_LOSS_REPLY=$LAB_LOSS_REPLY
LAB_DELAY_MS=$LAB_DELAY_MS
LAB_LISTEN_BIN=$LAB_LISTEN_BIN
LAB_OWNER=$LAB_OWNER
EOF
}

_lab_parse_up_opts() {
  LAB_LOSS_PROBE=0 LAB_LOSS_REPLY=0 LAB_ANYIP=0 LAB_OPEN="" LAB_OWNER="" LAB_DELAY_MS=0 LAB_SOURCES=0 LAB_DISCOVERY=0
  LAB_LISTEN_BIN=${LAB_LISTEN_BIN:-} LAB_DELAY_BIN=${LAB_DELAY_BIN:-}
  while (($#)); do
    case $1 in
      --loss) LAB_LOSS_PROBE=$2 LAB_LOSS_REPLY=$2; shift 2 ;;
      --loss-probe) LAB_LOSS_PROBE=$2; shift 2 ;;
      --loss-reply) LAB_LOSS_REPLY=$2; shift 2 ;;
      --ports) LAB_OPEN=${2//,/ }; shift 2 ;;
      --listen-bin) LAB_LISTEN_BIN=$2; shift 2 ;;
      --delay) LAB_DELAY_MS=$2; shift 2 ;;
      --delay-bin) LAB_DELAY_BIN=$2; shift 2 ;;
      --anyip) LAB_ANYIP=1; shift ;;
      --sources) LAB_SOURCES=$2; shift 2 ;;
      --discovery) LAB_DISCOVERY=1; shift ;;
      --owner) LAB_OWNER=$2; shift 2 ;;
      *) _lab_die "unknown option '$1'"; return 1 ;;
    esac
  done
  [[ $LAB_LOSS_PROBE =~ ^[0-9]+$ && $LAB_LOSS_REPLY =~ ^[0-9]+$ ]] ||
    { _lab_die "loss must be a whole percentage"; return 1; }
  [[ -x $LAB_LISTEN_BIN ]] ||
    { _lab_die "no listener binary: pass --listen-bin or set LAB_LISTEN_BIN (got '$LAB_LISTEN_BIN')"; return 1; }
  LAB_LISTEN_BIN=$(readlink -f "$LAB_LISTEN_BIN")
  [[ $LAB_DELAY_MS =~ ^[0-9]+$ ]] || { _lab_die "delay must be whole milliseconds"; return 1; }
  [[ $LAB_SOURCES =~ ^[0-9]+$ ]] && ((LAB_SOURCES <= 64)) || { _lab_die "--sources takes 0-64"; return 1; }
  if ((LAB_DELAY_MS > 0)); then
    LAB_DELAY_BIN=${LAB_DELAY_BIN:-$(dirname "$LAB_LISTEN_BIN")/lab_delay}
    [[ -x $LAB_DELAY_BIN ]] ||
      { _lab_die "no lab_delay binary: pass --delay-bin or set LAB_DELAY_BIN (got '$LAB_DELAY_BIN')"; return 1; }
    LAB_DELAY_BIN=$(readlink -f "$LAB_DELAY_BIN")
  fi
  [[ -n $LAB_OPEN ]] || LAB_OPEN="$LAB_FIXED_TCP $(_lab_random_ports)"
}

# Runs in a subshell: _lab_must exits it at the first failing step.
_lab_setup() {
  # shellcheck disable=SC2086  # the port list is meant to split
  _lab_net && _lab_firewall && _lab_discovery && _lab_delay && _lab_start_listener 0 $LAB_OPEN && _lab_sanity && _lab_write_env
}

lab_up() {  # NAME [options]
  _lab_names "$1" || return 1; shift
  _lab_parse_up_opts "$@" || return 1
  [[ $(id -u) == 0 ]] || { _lab_die "must run as root"; return 1; }
  if [[ -e $LAB_STATE ]] || ip netns list | grep -qwE "$LAB_SCANNER_NS|$LAB_TARGET_NS"; then
    _lab_die "lab '$LAB_NAME' already exists; run: lab.sh down $LAB_NAME"; return 1
  fi
  mkdir -p "$LAB_STATE"
  local name=$LAB_NAME
  # Interrupted or failed setup must leave nothing behind.
  trap 'lab_down "$name" >/dev/null 2>&1; exit 130' INT TERM
  if ! (_lab_setup); then
    lab_down "$name" >/dev/null 2>&1
    trap - INT TERM
    _lab_die "setting up lab '$name' failed; cleaned up"; return 1
  fi
  trap - INT TERM
  cat "$LAB_STATE/env"
}

# Only a PID that still runs our listener, our delay line (or the delaying
# subshell of lab.sh) is ours; never signal whatever process reused the number.
_lab_is_ours() { grep -qaE 'lab_listen|lab_delay|lab\.sh' "/proc/$1/cmdline" 2>/dev/null; }

_lab_kill_ours() {
  local pid=$1 i
  _lab_is_ours "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do _lab_is_ours "$pid" || return 0; sleep 0.02; done
  kill -KILL "$pid" 2>/dev/null
}

lab_down() {  # NAME; idempotent
  _lab_names "$1" || return 1
  local pid
  if [[ -f $LAB_STATE/pids ]]; then
    while read -r pid; do [[ $pid =~ ^[0-9]+$ ]] && _lab_kill_ours "$pid"; done <"$LAB_STATE/pids"
  fi
  # Deleting a namespace deletes the veth pair inside it.
  ip netns del "$LAB_SCANNER_NS" 2>/dev/null
  ip netns del "$LAB_TARGET_NS" 2>/dev/null
  rm -rf "/etc/netns/$LAB_SCANNER_NS" "$LAB_STATE"
  rmdir /etc/netns 2>/dev/null  # only if no other lab still uses it
  return 0
}

lab_env() {  # NAME
  _lab_names "$1" || return 1
  [[ -f $LAB_STATE/env ]] || { _lab_die "no lab '$1'"; return 1; }
  cat "$LAB_STATE/env"
}

lab_listen() {  # NAME [--delay SEC] PORT...
  _lab_names "$1" || return 1; shift
  local delay=0
  [[ ${1:-} == --delay ]] && { delay=$2; shift 2; }
  [[ -f $LAB_STATE/env ]] || { _lab_die "no lab '$LAB_NAME'"; return 1; }
  LAB_LISTEN_BIN=$(sed -n 's/^LAB_LISTEN_BIN=//p' "$LAB_STATE/env")
  _lab_start_listener "$delay" "$@"
}

_lab_counter() {  # NAME COUNTER
  _lab_names "$1" || return 1
  ip netns exec "$LAB_TARGET_NS" nft list counter netdev tjedge "$2" | awk '$1 == "packets" {print $2}'
}
lab_probes() { _lab_counter "$1" probes; }  # NAME
lab_syns() { _lab_counter "$1" syns; }      # NAME
lab_downprobes() {  # NAME
  _lab_names "$1" || return 1
  ip netns exec "$LAB_TARGET_NS" nft list counter inet tjdisc down_probes | awk '$1 == "packets" {print $2}'
}

lab_defend() {  # NAME KIND [ARGS]
  _lab_names "$1" || return 1
  local kind=${2:-} a=${3:-} b=${4:-}
  [[ -f $LAB_STATE/env ]] || { _lab_die "no lab '$LAB_NAME'"; return 1; }
  local nft=(ip netns exec "$LAB_TARGET_NS" nft)
  case $kind in
    ban|ban-count)
      [[ $a =~ ^[0-9]+$ && ${b:-30} =~ ^[0-9]+$ ]] || { _lab_die "defend $kind: N [TIMEOUT]"; return 1; }
      local per=second
      [[ $kind == ban-count ]] && per=minute
      "${nft[@]}" -f - <<EOF || return 1
table inet tjdefend_ban {
  set meter4 { type ipv4_addr; flags dynamic,timeout; timeout 120s; }
  set meter6 { type ipv6_addr; flags dynamic,timeout; timeout 120s; }
  set banned4 { type ipv4_addr; flags dynamic,timeout; timeout ${b:-30}s; }
  set banned6 { type ipv6_addr; flags dynamic,timeout; timeout ${b:-30}s; }
  counter bans { }
  chain input {
    type filter hook input priority -5; policy accept;
    iifname "$LAB_TARGET_IF" ip saddr @banned4 drop
    iifname "$LAB_TARGET_IF" ip6 saddr @banned6 drop
    iifname "$LAB_TARGET_IF" tcp flags & (syn | ack) == syn add @meter4 { ip saddr limit rate over $a/$per burst $a packets } add @banned4 { ip saddr } counter name "bans" drop
    iifname "$LAB_TARGET_IF" tcp flags & (syn | ack) == syn add @meter6 { ip6 saddr limit rate over $a/$per burst $a packets } add @banned6 { ip6 saddr } counter name "bans" drop
  }
}
EOF
      ;;
    rst-limit)
      [[ $a =~ ^[0-9]+$ && ${b:-10} =~ ^[0-9]+$ ]] || { _lab_die "defend rst-limit: RATE [BURST]"; return 1; }
      "${nft[@]}" -f - <<EOF || return 1
table inet tjdefend_rst {
  chain output {
    type filter hook output priority 0; policy accept;
    oifname "$LAB_TARGET_IF" tcp flags & rst == rst limit rate over $a/second burst ${b:-10} packets drop
  }
}
EOF
      ;;
    synproxy)
      [[ -n $a ]] || { _lab_die "defend synproxy: PORTS"; return 1; }
      ip netns exec "$LAB_TARGET_NS" sysctl -qw net.ipv4.tcp_syncookies=2 net.netfilter.nf_conntrack_tcp_loose=0 ||
        return 1
      "${nft[@]}" -f - <<EOF || return 1
table inet tjdefend_synproxy {
  chain prerouting {
    type filter hook prerouting priority raw; policy accept;
    iifname "$LAB_TARGET_IF" tcp dport $a tcp flags syn notrack
  }
  chain input {
    type filter hook input priority 0; policy accept;
    iifname "$LAB_TARGET_IF" tcp dport $a ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm
    iifname "$LAB_TARGET_IF" tcp dport $a ct state invalid drop
  }
}
EOF
      ;;
    clear)
      local t
      for t in tjdefend_ban tjdefend_rst tjdefend_synproxy; do "${nft[@]}" delete table inet "$t" 2>/dev/null; done
      return 0
      ;;
    *) _lab_die "defend: KIND is ban, ban-count, rst-limit, synproxy or clear"; return 1 ;;
  esac
}

lab_counter() {  # NAME rsts|synacks|bans
  _lab_names "$1" || return 1
  case ${2:-} in
    rsts|synacks) _lab_counter "$1" "$2" ;;
    bans) ip netns exec "$LAB_TARGET_NS" nft list counter inet tjdefend_ban bans | awk '$1 == "packets" {print $2}' ;;
    *) _lab_die "counter: rsts, synacks or bans"; return 1 ;;
  esac
}

lab_sweep() {
  local env owner
  for env in "$LAB_STATE_ROOT"/*/env; do
    [[ -f $env ]] || continue
    owner=$(sed -n 's/^LAB_OWNER=//p' "$env")
    [[ $owner =~ ^[0-9]+$ && ! -e /proc/$owner ]] || continue
    echo "lab.sh: sweeping $(basename "$(dirname "$env")") (owner $owner is gone)" >&2
    lab_down "$(basename "$(dirname "$env")")"
  done
  return 0
}

_lab_main() {
  local cmd=${1:-} ; shift || true
  case $cmd in
    up|down|env|listen|probes|syns|downprobes|defend|counter)
      [[ $# -ge 1 ]] || { _lab_die "usage: lab.sh $cmd NAME ..."; return 2; }
      "lab_$cmd" "$@" ;;
    sweep) lab_sweep ;;
    *) sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; return 2 ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  _lab_main "$@"
fi
