# zoo_lib.sh: what service_zoo.sh and udp_zoo.sh share (sourced, not run).
# Needs NS and DIR set by the caller.

zoo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
zoo_missing=0

_bg() {  # name, then the command run in NS in its own process group
  local name=$1; shift
  setsid ip netns exec "$NS" "$@" >"$DIR/$name.log" 2>&1 </dev/null &
  echo $! >>"$DIR/pids"
}

# _have PATH: true when the server's program is there, and sets $have to
# where it is: PATH itself, or the same path inside a package that
# scripts/deps.sh unpacked into .lab/pkgs/ instead of installing it (one
# that would have removed a package, as chrony removes systemd-timesyncd).
# A missing server is skipped; with CI=true it is an error (after the others
# have started, so their logs are there too).
_have() {
  have=$1
  command -v "$1" >/dev/null 2>&1 && { have=$(command -v "$1"); return 0; }
  local p
  for p in "$zoo_root"/.lab/pkgs/*"$1"; do
    [[ -x $p ]] && { have=$p; return 0; }
  done
  if [[ ${CI:-} == true ]]; then
    echo "zoo: $1 is missing and CI=true (scripts/deps.sh test installs it)" >&2
    zoo_missing=1
  fi
  return 1
}
