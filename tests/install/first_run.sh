#!/usr/bin/env bash
# A user's first ten minutes, checked (CI runs this: .ci/run). Runs the
# README's two commands exactly as written there, in order, and checks:
#
#  1. the first command (build and scan) installed no server and removed
#     nothing: dpkg's package list before and after it; and, since CI's
#     machine may already have everything, what the same command would
#     install on a fresh Debian 12 (apt's simulation against a status of
#     only the packages of priority required, important and standard, with
#     their dependencies), where also nothing may be removed;
#  2. the second command (the whole suite) would remove nothing from that
#     fresh machine either, and its closing line counts a non-zero number of
#     plain unit tests, lab tests, tests against the sanitizer binary and
#     sanitizer unit tests.
#
# A server package is one that ships a service: a systemd unit or an init
# script. Needs root (the commands install packages).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "first_run.sh: $*" >&2; exit 1; }

# The README's first code block: the run command, then the test command.
mapfile -t commands < <(awk '/^```/{n++; next} n==1' README.md | sed 's/[[:space:]]*#.*//' | grep .)
((${#commands[@]} == 2)) || fail "the README's first block should hold exactly two commands, it holds ${#commands[@]}"
echo "README's commands: ${commands[0]} | ${commands[1]}"

# Whether package $1 ships a service, from its file list ($2: a file of
# paths, one per line).
ships_service() { grep -qE '^(/usr)?/lib/systemd/system/[^/]+\.(service|socket)$|^/etc/init\.d/[^/]+$' "$1"; }
server_packages() {  # the servers among "$@": installed ones by dpkg -L, others from their .deb
  local p list
  for p in "$@"; do
    list=$tmp/files-$p
    if dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed"; then
      dpkg -L "$p" > "$list"
    else
      (cd "$tmp" && apt-get download -qq "$p" > /dev/null 2>&1) || fail "cannot download $p to list its files"
      dpkg-deb -c "$tmp/${p}"_*.deb | awk '{print substr($6, 2)}' > "$list"
    fi
    ships_service "$list" && echo "$p"
  done
  return 0
}

# 1. The first command, for real.
dpkg-query -W -f='${Package} ${Status}\n' | sort > "$tmp/before"
(eval "${commands[0]}") > "$tmp/run.out" 2>&1 || { tail -30 "$tmp/run.out"; fail "the first command failed"; }
grep -q "scan report for\|scanned in" "$tmp/run.out" || { tail -30 "$tmp/run.out"; fail "the first command ran no scan"; }
dpkg-query -W -f='${Package} ${Status}\n' | sort > "$tmp/after"
removed=$(comm -23 "$tmp/before" "$tmp/after" | awk '{print $1}' | tr '\n' ' ')
[[ -z $removed ]] || fail "the first command removed or changed: $removed"
mapfile -t added < <(comm -13 "$tmp/before" "$tmp/after" | awk '{print $1}')
servers=$(server_packages "${added[@]}" | tr '\n' ' ')
[[ -z $servers ]] || fail "the first command installed servers: $servers"
echo "first command: ${#added[@]} packages installed, no server, nothing removed (${SECONDS}s)"

# The same on a fresh Debian 12, simulated: the packages of priority
# required, important and standard (and what they depend on), each at the
# version apt would install today.
apt-get update -qq
apt-cache dumpavail > "$tmp/avail"
/usr/bin/python3 - "$tmp/avail" "$tmp/fresh-status" << 'PY'
import subprocess, sys
def stanzas(text):
    for stanza in text.split('\n\n'):
        f = {}
        for line in stanza.split('\n'):
            if line and not line[0].isspace() and ':' in line:
                k, v = line.split(':', 1); f[k] = v.strip()
        if f.get('Architecture') in ('amd64', 'all') and 'Package' in f:
            yield f, stanza
seed = sorted({f['Package'] for f, _ in stanzas(open(sys.argv[1], encoding='utf-8', errors='replace').read())
               if f.get('Priority') in ('required', 'important', 'standard') or f.get('Essential') == 'yes'})
empty = sys.argv[2] + '.empty'
open(empty, 'w').close()
r = subprocess.run(['apt-get', '-s', '-o', 'Dir::State::status=' + empty, 'install', '--no-install-recommends'] + seed,
                   capture_output=True, text=True, check=True)
names = [l.split()[1] for l in r.stdout.splitlines() if l.startswith('Inst ')]
candidates = subprocess.run(['apt-cache', 'show', '--no-all-versions'] + names, capture_output=True, text=True,
                            check=True).stdout
keep = ('Package', 'Version', 'Architecture', 'Depends', 'Pre-Depends', 'Provides', 'Conflicts', 'Breaks',
        'Replaces', 'Multi-Arch', 'Essential', 'Priority')
with open(sys.argv[2], 'w') as out:
    for f, stanza in stanzas(candidates):
        lines = [l for l in stanza.split('\n') if l.split(':', 1)[0] in keep]
        lines.insert(1, 'Status: install ok installed')
        out.write('\n'.join(lines) + '\n\n')
print(f'fresh Debian 12: {len(names)} packages')
PY
simulate() {  # $1: run|test; prints what apt would install, fails on a removal
  local plan install gone
  plan=$(TJ_DPKG_STATUS="$tmp/fresh-status" bash scripts/deps.sh plan "$1")
  echo "$plan" > "$tmp/plan-$1"
  install=$(sed -n 's/^install //p' <<< "$plan")
  [[ -n $install ]] || return 0
  out=$(apt-get -s -o "Dir::State::status=$tmp/fresh-status" install --no-install-recommends $install) ||
    fail "apt cannot plan deps.sh $1 on a fresh Debian 12"
  gone=$(awk '/^Remv /{print $2}' <<< "$out" | tr '\n' ' ')
  [[ -z $gone ]] || fail "deps.sh $1 would remove from a fresh Debian 12: $gone"
  awk '/^Inst / && $3 !~ /^\[/ {print $2}' <<< "$out"  # new packages, not upgrades
}
mapfile -t fresh_run < <(simulate run)
servers=$(server_packages "${fresh_run[@]}" | tr '\n' ' ')
[[ -z $servers ]] || fail "on a fresh Debian 12 the first command would install servers: $servers"
echo "first command on a fresh Debian 12 (simulated): ${#fresh_run[@]} packages, no server, nothing removed"
mapfile -t fresh_test < <(simulate test)
echo "second command on a fresh Debian 12 (simulated): ${#fresh_test[@]} packages, nothing removed" \
  "($(sed -n 's/^unpack //p' "$tmp/plan-test") unpacked, not installed)"

# 2. The second command, its output counted.
echo "== ${SECONDS}s: the second command"
(eval "${commands[1]}") 2>&1 | tee "$tmp/test.out"
last=$(grep '^all: ' "$tmp/test.out" | tail -1)
[[ -n $last ]] || fail "the second command printed no closing line"
for part in plain lab-vs-sanitizer-binary sanitizer; do
  n=$(grep -oE "$part [0-9]+" <<< "$last" | awk '{print $2}')
  ((${n:-0} > 0)) || fail "the second command ran no test in step \"$part\": $last"
done
grep -qE "^plain: unit [1-9][0-9]*, lab [1-9][0-9]*, lab-binary [1-9][0-9]*" "$tmp/test.out" ||
  fail "the plain step did not run both unit and lab tests"
echo "first_run.sh: ok in ${SECONDS}s ($last)"
