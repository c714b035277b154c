#!/usr/bin/env bash
# The shell completions, exercised: bash's `complete -p` and the completions
# of a few words; zsh's syntax check and a load under compinit.
#   completion_test.sh BASH_SCRIPT ZSH_SCRIPT
set -euo pipefail
bash_script=$1 zsh_script=$2
fail() { echo "completion_test.sh: $*" >&2; exit 1; }
out=$(bash -c '
  source "$1"
  complete -p tojimari
  t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _tojimari; echo "${COMPREPLY[*]}"; }
  t tojimari --top
  t tojimari -T ""
  t tojimari -T
  t tojimari audit --format s
  t tojimari ch
  t tojimari help wa
  t tojimari watch --eve
  t tojimari check --wa
  t tojimari -sV --version-int
' _ "$bash_script" 2>&1)
expect=(
  "complete -F _tojimari tojimari"
  "--top-ports"
  "0 1 2 3 4 5"
  "-T -T0 -T1 -T2 -T3 -T4 -T5"
  "sarif"
  "check"
  "watch"
  "--every"
  "--wait"
  "--version-intensity"
)
mapfile -t got <<< "$out"
for i in "${!expect[@]}"; do
  [[ ${got[i]:-} == "${expect[i]}" ]] || fail "bash: line $((i + 1)): got \"${got[i]:-}\", want \"${expect[i]}\""
done
zsh -n "$zsh_script" || fail "zsh: syntax error in $zsh_script"
dir=$(mktemp -d)
cp "$zsh_script" "$dir/_tojimari"
zsh -f -c "fpath=('$dir' \$fpath); autoload -U compinit; compinit -u -d '$dir/dump'; (( \${+_comps[tojimari]} ))" ||
  { rm -rf "$dir"; fail "zsh: compinit did not register _tojimari"; }
rm -rf "$dir"
echo "completion_test.sh: bash completes ${#expect[@]} cases, zsh loads the function"
