#!/usr/bin/env bash
# The Debian package and what `cmake --install` puts in place, checked.
#
#   package_test.sh BUILD_DIR LISTEN_BIN
#
# 1. `cmake --install` into a scratch prefix: every file where it belongs.
# 2. CPack builds tojimari_<version>_amd64.deb; dpkg-deb lists the same
#    files and the runtime libraries as dependencies; lintian finds no error;
#    unpacked with dpkg -x into a scratch root, its binary runs, `man -l`
#    renders its man page without a warning, its bash completion completes.
# 3. With CI=true (or TJ_PACKAGE_INSTALL=1), and only when no tojimari
#    package was installed before: `apt-get install ./tojimari_*.deb` for
#    real, then in a lab (tests/lab/lab.sh) a user of the group tojimari
#    runs a SYN scan with /usr/bin/tojimari and no sudo (the privileged
#    copy), a user outside it gets the connect scan; the package is purged
#    afterwards.
set -euo pipefail
build=$(cd "$1" && pwd)
listen_bin=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
lab_name=pk$$
cleanup() {
  bash "$src/tests/lab/lab.sh" down "$lab_name" > /dev/null 2>&1 || true
  [[ -n ${installed:-} ]] && apt-get purge -y -qq tojimari > /dev/null 2>&1
  [[ -n ${made_group:-} ]] && groupdel tojimari 2> /dev/null
  for u in tjpkin tjpkout; do userdel "$u" 2> /dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "package_test.sh: $*" >&2; exit 1; }
version=$("$build/tojimari" version | awk 'NR == 1 {print $2}')
arch=$(dpkg --print-architecture)

want=(
  usr/bin/tojimari
  usr/libexec/tojimari/tojimari-raw
  usr/share/man/man1/tojimari.1.gz
  usr/share/bash-completion/completions/tojimari
  usr/share/zsh/vendor-completions/_tojimari
  usr/lib/systemd/system/tojimari-watch.service
  usr/lib/systemd/system/tojimari-audit.service
  usr/lib/systemd/system/tojimari-audit.timer
  usr/share/doc/tojimari/examples/policy.toml
  usr/share/doc/tojimari/copyright
  usr/share/doc/tojimari/changelog.Debian.gz
  usr/share/doc/tojimari/WATCH.md
  usr/share/lintian/overrides/tojimari
)

# 1. cmake --install
cmake --install "$build" --prefix "$tmp/prefix/usr" > /dev/null
for f in "${want[@]}"; do [[ -e $tmp/prefix/$f ]] || fail "cmake --install did not install /$f"; done
echo "cmake --install: ${#want[@]} files in place"

# 2. The package.
(cd "$build" && cpack -G DEB > "$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack failed"; }
deb=$build/tojimari_${version}-1_${arch}.deb
[[ -f $deb ]] || fail "no $deb (cpack wrote: $(ls "$build"/*.deb 2> /dev/null))"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||' > "$tmp/contents"
for f in "${want[@]}"; do grep -qx "$f" "$tmp/contents" || fail "the package lacks /$f"; done
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libssl3 libpcap0.8 libpcre2-8-0 libsqlite3-0 libpq5 libxml2 libcurl4 libfmt9 libcap2-bin adduser; do
  [[ $depends == *"$lib"* ]] || fail "the package does not depend on $lib: $depends"
done
echo "package: $(basename "$deb"), $(wc -l < "$tmp/contents") entries; Depends: $depends"
lintian --fail-on error --suppress-tags-from-file /dev/null "$deb" > "$tmp/lintian" 2>&1 || {
  cat "$tmp/lintian"
  fail "lintian found errors"
}
echo "lintian: no error ($(grep -c '^W:' "$tmp/lintian" || true) warnings)"
sed 's/^/  /' "$tmp/lintian"

dpkg -x "$deb" "$tmp/root"
"$tmp/root/usr/bin/tojimari" version | head -1 | grep -q "^tojimari $version " || fail "the unpacked binary does not run"
man --warnings -l "$tmp/root/usr/share/man/man1/tojimari.1.gz" > "$tmp/man.txt" 2> "$tmp/man.err"
[[ ! -s $tmp/man.err ]] || { cat "$tmp/man.err"; fail "man -l warned about the man page"; }
for word in "TOJIMARI SCAN" "TOJIMARI CHECK" "TOJIMARI AUDIT" "TOJIMARI WATCH" "--top-ports" "EXIT STATUS"; do
  grep -q -- "$word" "$tmp/man.txt" || fail "the rendered man page lacks \"$word\""
done
bash "$src/tests/install/completion_test.sh" "$tmp/root/usr/share/bash-completion/completions/tojimari" \
  "$tmp/root/usr/share/zsh/vendor-completions/_tojimari"
echo "unpacked: the binary runs, the man page renders, the completions complete"

# 3. A real install, where it may change this machine.
if [[ ${CI:-} != true && -z ${TJ_PACKAGE_INSTALL:-} ]]; then
  echo "package_test.sh: not installing the package (CI=true or TJ_PACKAGE_INSTALL=1 does)"
  exit 0
fi
if dpkg-query -W -f='${Status}' tojimari 2> /dev/null | grep -q installed; then
  echo "package_test.sh: a tojimari package is installed already; not replacing it"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || fail "installing the package needs root"
getent group tojimari > /dev/null || made_group=1
installed=1
apt-get install -y -qq "$deb" > "$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; fail "apt-get install of the package failed"; }
raw=/usr/libexec/tojimari/tojimari-raw
[[ $(stat -c '%U:%G %a' "$raw") == "root:tojimari 750" ]] || fail "$raw is $(stat -c '%U:%G %a' "$raw")"
getcap "$raw" | grep -q 'cap_net_admin,cap_net_raw=ep' || fail "$raw has no capabilities: $(getcap "$raw")"
useradd --no-create-home --groups tojimari tjpkin
useradd --no-create-home tjpkout
eval "$(bash "$src/tests/lab/lab.sh" up "$lab_name" --ports 22,80 --listen-bin "$listen_bin" --owner $$)"
scan_as() {  # user: a SYN scan of the lab target's 22, 80 and a closed port
  ip netns exec "tjs$lab_name" setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups --inh-caps=-all \
    /usr/bin/tojimari -sS -Pn -n --reason -p 22,80,81 198.18.0.2 2>&1
}
out=$(scan_as tjpkin)
grep -qE '^22/tcp +open +ssh +syn-ack' <<< "$out" || { echo "$out"; fail "the group member's -sS did not run raw"; }
grep -qE '^81/tcp +closed +[a-z-]+ +reset' <<< "$out" || { echo "$out"; fail "the group member's scan: 81 not closed (reset)"; }
out=$(scan_as tjpkout)
grep -q 'falling back to a connect scan' <<< "$out" || { echo "$out"; fail "a user outside the group got raw sockets"; }
grep -qE '^22/tcp +open +ssh +syn-ack' <<< "$out" || { echo "$out"; fail "the connect scan as another user failed"; }
echo "installed: a member of the group tojimari scans with -sS without sudo; others get -sT"
