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

# --- 1. The learner's own configuration first (the host backend is their real shell), unless told not to.
if [ "${LAB_PLAIN_RC:-}" != "1" ]; then
  if [ -r /etc/bash.bashrc ]; then . /etc/bash.bashrc; fi
  if [ -r "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi
fi
unset LAB_PLAIN_RC

# A backend's own commands (the sandbox's k3d, docker, istioctl) stay first on PATH, even when ~/.bashrc
# prepends directories that hold the real tools.
if [ -n "${LAB_PATH_FIRST:-}" ]; then
  PATH="$LAB_PATH_FIRST:$PATH"
fi
unset LAB_PATH_FIRST

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
