# Ambient Lab shell integration for bash, run as `bash --rcfile <this file> -i`.
#
# Emits shell-integration markers (the same scheme as VS Code / iTerm2 / WezTerm) so the server knows where every
# command starts and ends and how it exited, whether it came from a Run button or was typed by hand:
#   OSC 133;A  prompt start          (precmd)
#   OSC 133;B  prompt end            (end of PS1; input starts)
#   OSC 633;E  the command line      (preexec, escaped: \ -> \\, ; and control chars -> \xAB)
#   OSC 133;C  command executed      (preexec)
#   OSC 133;D;<exit code>            (precmd, only after a command actually ran)
# Every marker ends with `;nonce=<LAB_NONCE>`: output that merely contains these sequences (cat of a recorded
# terminal session, a malicious file) cannot fake a finish, because it does not know the per-session nonce.
#
# Works with bash 5.x (tested with 5.2); written to stay usable on older bash (macOS 3.2) where cheap.

# --- 1. The learner's own configuration first (their aliases and prompt), then the lab's seal over it.
# LAB_SHELL_RC=none (`lab start --no-rc`; LAB_PLAIN_RC=1 in tests) sources no rc file at all. LAB_USER_HOME is whose
# ~/.bashrc to read: the sandbox gives the shell a HOME of its own (the walkthrough's ~/ambient-lab lives per
# sandbox), yet a learner alone on their machine keeps their aliases; empty (workshop attendees): none.
__lab_rc="${LAB_SHELL_RC:-user}"
if [ "${LAB_PLAIN_RC:-}" = "1" ]; then __lab_rc=none; fi
__lab_user_home="${LAB_USER_HOME-$HOME}"
unset LAB_PLAIN_RC LAB_SHELL_RC LAB_USER_HOME

# What the lab set, kept before any rc file can change it (a sealed shell: the sandbox backend). LAB_SEAL_VARS names
# the variables to re-assert (KUBECONFIG, proxies, CA bundle, HOME...), LAB_SEAL_WATCH those reported at every
# prompt (the step engine refuses to type a step when they changed), LAB_SEAL_COMMANDS the commands that must run
# from LAB_PATH_FIRST (the sandbox's kubectl, k3d, istioctl, docker).
__lab_seal_vars="${LAB_SEAL_VARS:-}"
__lab_seal_watch="${LAB_SEAL_WATCH:-}"
__lab_seal_commands="${LAB_SEAL_COMMANDS:-}"
__lab_path_first="${LAB_PATH_FIRST:-}"
unset LAB_SEAL_VARS LAB_SEAL_WATCH LAB_SEAL_COMMANDS LAB_PATH_FIRST
for __lab_v in $__lab_seal_vars; do
  case "$__lab_v" in *[!A-Za-z0-9_]* | [0-9]*) continue ;; esac
  eval "__lab_sealed_${__lab_v}=\${${__lab_v}-}"
done
__lab_home="$HOME"
__lab_start_dir="$PWD"

if [ "$__lab_rc" != "none" ]; then
  if [ -r /etc/bash.bashrc ]; then . /etc/bash.bashrc; fi
  # readline reads ~/.inputrc when it starts, by then HOME is the sandbox's: point it at theirs
  if [ -z "${INPUTRC:-}" ] && [ -n "$__lab_user_home" ] && [ "$__lab_user_home" != "$HOME" ] &&
    [ -r "$__lab_user_home/.inputrc" ]; then
    export INPUTRC="$__lab_user_home/.inputrc"
  fi
  if [ -n "$__lab_user_home" ] && [ -r "$__lab_user_home/.bashrc" ]; then
    # their rc reads its own files from ~ (~/.bash_aliases, ~/.pyenv): HOME is theirs while it runs
    HOME="$__lab_user_home"
    . "$__lab_user_home/.bashrc"
    HOME="$__lab_home"
  fi
fi

# The seal: whatever the rc files set, the sandbox's variables and commands win. Also run at the first prompt (after
# the learner's PROMPT_COMMAND, where some frameworks finish their set-up), and by hand as `lab_reseal`.
__lab_seal() {
  local v name p
  for v in $__lab_seal_vars; do
    case "$v" in *[!A-Za-z0-9_]* | [0-9]*) continue ;; esac
    eval "export ${v}=\"\$__lab_sealed_${v}\""
  done
  if [ -n "$__lab_path_first" ]; then
    p=":$PATH:"
    while [[ "$p" == *":$__lab_path_first:"* ]]; do p="${p/":$__lab_path_first:"/:}"; done
    p="${p#:}"
    p="${p%:}"
    PATH="$__lab_path_first${p:+:$p}"
  fi
  for name in $__lab_seal_commands; do
    unalias "$name" 2>/dev/null
    unset -f "$name" 2>/dev/null
  done
  hash -r
}
lab_reseal() { __lab_seal; }
if [ -n "$__lab_seal_vars$__lab_seal_commands" ]; then
  __lab_seal
  [ "$PWD" = "$__lab_start_dir" ] || cd "$__lab_start_dir" 2>/dev/null || true
  __lab_sealed_shell=1
else
  unset -f lab_reseal
  # without a seal, a backend's own commands still stay first on PATH
  if [ -n "$__lab_path_first" ]; then PATH="$__lab_path_first:$PATH"; fi
  __lab_sealed_shell=0
fi
__lab_first_prompt=1

# --- 2. Nonce: keep it in a shell variable, take it out of the environment so child processes never see it.
__lab_nonce="${LAB_NONCE:-}"
unset LAB_NONCE

# A clear default prompt when nobody set one (bash's built-in default is "\s-\v\$ ").
if [ -z "${PS1:-}" ] || [ "$PS1" = '\s-\v\$ ' ]; then
  PS1='\u@lab:\w\$ '
fi

# --- 3. History must record every command line whole, because preexec reads the line back with `history 1`:
# commands starting with a space or repeating the previous one must still be recorded (ignorespace/ignoredups
# would make `history 1` return an older line), and multi-line commands (heredocs) must keep their newlines.
set -o history
HISTCONTROL="$(printf '%s' "${HISTCONTROL:-}" | tr ':' '\n' | grep -x 'erasedups' || true)"
HISTIGNORE=
if [ "${HISTSIZE:-500}" = "0" ] 2>/dev/null; then HISTSIZE=500; fi
shopt -s cmdhist lithist 2>/dev/null

# --- 4. Escaping for OSC values (VS Code's scheme): \ -> \\, ; -> \x3b, control characters -> \xAB.
__lab_escape() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//;/\\x3b}"
  if [[ "$s" == *[[:cntrl:]]* ]]; then
    s="${s//$'\n'/\\x0a}"
    s="${s//$'\r'/\\x0d}"
    s="${s//$'\t'/\\x09}"
    s="${s//$'\e'/\\x1b}"
    s="${s//$'\a'/\\x07}"
    if [[ "$s" == *[[:cntrl:]]* ]]; then
      local i c hex
      for ((i = 1; i < 32; i++)); do
        printf -v hex '%02x' "$i"
        printf -v c "\\x$hex"
        s="${s//"$c"/\\x$hex}"
      done
      s="${s//$'\x7f'/\\x7f}"
    fi
  fi
  __lab_escaped="$s"
}

__lab_osc() { printf '\e]%s;nonce=%s\a' "$1" "$__lab_nonce"; }

# --- 5. preexec: once per command line, before it runs, emit 633;E (the line) and 133;C.
# bash >= 4.4: from PS0, which bash expands exactly once after reading a non-empty command line and before running
# it. (A DEBUG trap alone misses lines such as `(exit 3)`: a subshell does not run the parent's DEBUG trap.) The
# markers come from a command substitution; the `${__lab_ps0_hook[__lab_executing=1]-}` part expands to nothing
# and sets the flag in the shell itself (a command substitution could not), without forking.
# Older bash (macOS 3.2): a DEBUG trap armed by the prompt, disarmed by the first command of the line.
__lab_armed=0
__lab_executing=0
__lab_user_debug_trap=

__lab_current_command() {
  # `history 1` prints "  123  cmd" (a `*` after the number marks an edited entry); HISTTIMEFORMAT would add a
  # time stamp, so it is blanked for this one call.
  local line histno=
  line="$(HISTTIMEFORMAT= builtin history 1)"
  __lab_command=
  if [[ "$line" =~ ^[[:space:]]*([0-9]+)[\*[:space:]][[:space:]](.*)$ ]]; then
    histno="${BASH_REMATCH[1]}"
    __lab_command="${BASH_REMATCH[2]}"
  fi
  # No new history entry (history turned off by the learner): the first simple command is the best we have.
  if [ -z "$histno" ] || [ "$histno" = "${__lab_prompt_histno:-}" ]; then
    __lab_command="${1:-}"
  fi
}

__lab_emit_preexec() {
  __lab_current_command "${1:-}"
  __lab_escape "$__lab_command"
  __lab_osc "633;E;$__lab_escaped"
  __lab_osc "133;C"
}

__lab_ps0_part='$(__lab_emit_preexec)${__lab_ps0_hook[__lab_executing=1]-}'

__lab_debug_trap() {
  local last_arg="$1" status=0
  # The prompt's own commands (PROMPT_COMMAND) also trigger the DEBUG trap: an empty line just redraws the prompt.
  if [ "$__lab_armed" = 1 ]; then
    __lab_armed=0
    case "$BASH_COMMAND" in
      __lab_prompt_start*) ;;
      *) __lab_executing=1; __lab_emit_preexec "$BASH_COMMAND" ;;
    esac
  fi
  # Chain the learner's own DEBUG trap (e.g. bash-preexec); its status matters under `shopt -s extdebug`.
  if [ -n "$__lab_user_debug_trap" ]; then
    : "$last_arg"
    eval "$__lab_user_debug_trap"
    status=$?
  fi
  # Leave `$_` as the learner's previous command left it.
  : "$last_arg"
  return $status
}

if (( BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 4) )); then
  __lab_use_ps0=1
else
  __lab_use_ps0=0
fi

# --- 5b. The seal at every prompt (sealed shells only), with builtins alone (no fork per prompt).
# OSC 633;P;LabSeal=<escaped lines>: `NAME=value` (or `NAME` when unset) per watched variable, `cmd:NAME=<how it
# runs>` per sealed command (file:<path>, launcher:<path> for the sandbox's own launcher, alias, function, missing). The step engine reads the latest before it
# types a step, and refuses when kubectl would not reach the sandbox.
__lab_resolve() {
  local name="$1" rest="$PATH:" d
  __lab_resolved=missing
  if alias "$name" >/dev/null 2>&1; then __lab_resolved=alias; return; fi
  if declare -F "$name" >/dev/null 2>&1; then __lab_resolved=function; return; fi
  # a hashed path runs without a PATH search (bash >= 4 shows the table)
  if [ "${BASH_VERSINFO[0]}" -ge 4 ] && [ -n "${BASH_CMDS[$name]:-}" ]; then
    __lab_resolved="file:${BASH_CMDS[$name]}"
    __lab_launcher "${BASH_CMDS[$name]}" "$name" && __lab_resolved="launcher:${BASH_CMDS[$name]}"
    return
  fi
  while [ -n "$rest" ]; do
    d="${rest%%:*}"
    rest="${rest#*:}"
    if [ -f "${d:-.}/$name" ] && [ -x "${d:-.}/$name" ]; then
      __lab_resolved="file:${d:-.}/$name"
      __lab_launcher "${d:-.}/$name" "$name" && __lab_resolved="launcher:${d:-.}/$name"
      return
    fi
  done
}

# A launcher the sandbox itself wrote elsewhere (the istioctl of `curl -L https://istio.io/downloadIstio | sh -`):
# two lines that exec the sandbox's command, so it reaches the sandbox as the shim does. Read with builtins only.
__lab_launcher() {
  local file="$1" name="$2" l1= l2= rest=
  [ -n "$__lab_path_first" ] && [ "$file" != "$__lab_path_first/$name" ] || return 1
  { IFS= read -r l1; IFS= read -r l2; IFS= read -r rest; } <"$file" 2>/dev/null
  [ "$l1" = '#!/bin/sh' ] && [ "$l2" = "exec node \"$__lab_path_first/lab-command.mjs\" $name \"\$@\"" ] && [ -z "$rest" ]
}

__lab_report_seal() {
  local v name r=
  for v in $__lab_seal_watch; do
    if [ -n "${!v+x}" ]; then r="$r$v=${!v}"$'\n'; else r="$r$v"$'\n'; fi
  done
  for name in $__lab_seal_commands; do
    __lab_resolve "$name"
    r="${r}cmd:$name=$__lab_resolved"$'\n'
  done
  __lab_escape "$r"
  __lab_osc "633;P;LabSeal=$__lab_escaped"
}

# What a refused step prints in the terminal (the server sends the key sequence bound below, with the page's
# locale): what differs from the sandbox's shell, and the way back. bind -x keeps the learner's half-typed line.
__lab_refused() {
  local ko=0 v name want have lines=
  [ "${1:-en}" = ko ] && ko=1
  for v in $__lab_seal_watch; do
    eval "want=\"\${__lab_sealed_${v}-}\""
    if [ -n "${!v+x}" ]; then have="${!v}"; else have=; fi
    if [ "$have" != "$want" ]; then
      if [ $ko = 1 ]; then
        lines="$lines      $v=${have:-(없음)} — 샌드박스의 값은 $want"$'\n'
      else
        lines="$lines      $v is ${have:-unset}, not the sandbox's $want"$'\n'
      fi
    fi
  done
  for name in $__lab_seal_commands; do
    __lab_resolve "$name"
    want="file:$__lab_path_first/$name"
    if [ "$__lab_resolved" != "$want" ] && [ "${__lab_resolved#launcher:}" = "$__lab_resolved" ]; then
      have="${__lab_resolved#file:}"
      if [ $ko = 1 ]; then
        lines="$lines      $name 명령이 $have(으)로 실행됨 — 샌드박스의 것은 ${want#file:}"$'\n'
      else
        lines="$lines      $name runs $have, not the sandbox's ${want#file:}"$'\n'
      fi
    fi
  done
  local reseal=1
  if [ -z "$lines" ]; then
    reseal=0
    # the shell is as sealed: the kubeconfig's current context was edited to reach elsewhere
    have="$("$__lab_path_first/kubectl" config current-context 2>/dev/null)"
    if [ $ko = 1 ]; then
      lines="      kubeconfig의 현재 컨텍스트(${have:-?})가 샌드박스 밖을 가리킵니다. kubectl config get-contexts로 샌드박스의 k3d-… 컨텍스트를 찾아 kubectl config use-context로 되돌리세요."$'\n'
    else
      lines="      the kubeconfig's current context (${have:-?}) points outside the sandbox: kubectl config get-contexts lists the sandbox's k3d-… one, kubectl config use-context switches back."$'\n'
    fi
  fi
  local way=
  if [ "$reseal" = 1 ]; then
    if [ $ko = 1 ]; then
      way="      \e[1mlab_reseal\e[0m 을 입력하면 이 셸이 다시 샌드박스를 가리킵니다."$'\n'
    else
      way="      Type \e[1mlab_reseal\e[0m to point this shell at the sandbox again."$'\n'
    fi
  fi
  if [ $ko = 1 ]; then
    printf '\n\e[1;33m[lab]\e[0m 단계를 실행하지 않았습니다: 이 셸의 kubectl이 실습 샌드박스에 닿지 않습니다.\n%s%b' "$lines" "$way"
  else
    printf '\n\e[1;33m[lab]\e[0m Step not run: kubectl in this shell would not reach the lab'"'"'s sandbox.\n%s%b' "$lines" "$way"
  fi
}
if [ "$__lab_sealed_shell" = 1 ]; then
  for __lab_v in emacs vi-insert vi-command; do
    bind -m "$__lab_v" -x '"\C-x\C-le": __lab_refused en' 2>/dev/null
    bind -m "$__lab_v" -x '"\C-x\C-lk": __lab_refused ko' 2>/dev/null
  done
fi
unset __lab_v

# --- 6. precmd: first thing in PROMPT_COMMAND (so $? is still the command's), the user's PROMPT_COMMAND runs in
# between, and the last step re-arms preexec and makes sure PS1 still ends with the 133;B marker (prompt
# frameworks rewrite PS1 on every prompt).
__lab_prompt_start() {
  local status=$?
  if [ "$__lab_executing" = 1 ]; then
    __lab_executing=0
    __lab_osc "133;D;$status"
  fi
  __lab_osc "133;A"
  # Hand the exit status on to the user's PROMPT_COMMAND (prompts often show it).
  return $status
}

__lab_prompt_b="\\[\\e]133;B;nonce=${__lab_nonce}\\a\\]"
# OSC 633;F (VS Code's continuation marker) at the start of PS2: bash waits for the rest of a command (heredoc,
# trailing \ or &&, open quote). The lab types a multi-line step one line at a time, each when bash asks for it,
# so no line arrives while a command runs (the terminal would echo it into that command's output).
__lab_prompt_f="\\[\\e]633;F;nonce=${__lab_nonce}\\a\\]"
__lab_prompt_end() {
  local status=$?
  case "$PS1" in
    *"$__lab_prompt_b") ;;
    *) PS1="${PS1//"$__lab_prompt_b"/}$__lab_prompt_b" ;;
  esac
  case "${PS2-> }" in
    "$__lab_prompt_f"*) ;;
    *) PS2="${__lab_prompt_f}${PS2-> }" ;;
  esac
  if [ "$__lab_use_ps0" = 1 ]; then
    case "${PS0:-}" in
      *"$__lab_ps0_part") ;;
      *) PS0="${PS0:-}"; PS0="${PS0//"$__lab_ps0_part"/}$__lab_ps0_part" ;;
    esac
  fi
  if [ "$__lab_sealed_shell" = 1 ]; then
    # the learner's PROMPT_COMMAND has run once now (some frameworks finish their set-up there): seal once more
    if [ "$__lab_first_prompt" = 1 ]; then
      __lab_first_prompt=0
      __lab_seal
    fi
    __lab_report_seal
  fi
  # History number of the last line already handled: preexec ignores it when no new entry was recorded.
  __lab_prompt_histno=$((HISTCMD - 1))
  __lab_armed=1
  return $status
}

# Chain onto an existing PROMPT_COMMAND (string, or array in bash >= 5.1), keeping the user's.
if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  PROMPT_COMMAND=(__lab_prompt_start "${PROMPT_COMMAND[@]}" __lab_prompt_end)
elif [ -n "${PROMPT_COMMAND:-}" ]; then
  PROMPT_COMMAND="__lab_prompt_start"$'\n'"${PROMPT_COMMAND}"$'\n'"__lab_prompt_end"
else
  PROMPT_COMMAND="__lab_prompt_start"$'\n'"__lab_prompt_end"
fi

# Older bash only: chain onto an existing DEBUG trap (`trap -p DEBUG` prints "trap -- '<command>' DEBUG").
if [ "$__lab_use_ps0" != 1 ]; then
  __lab_user_debug_trap="$(trap -p DEBUG)"
  if [ -n "$__lab_user_debug_trap" ]; then
    __lab_user_debug_trap="${__lab_user_debug_trap#trap -- }"
    eval "__lab_user_debug_trap=${__lab_user_debug_trap% DEBUG}"
  fi
  trap '__lab_debug_trap "$_"' DEBUG
fi
