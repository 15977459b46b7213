# Shared by the build scripts: source it, then call its functions.

# up_to_date OUTPUT INPUT...: true when OUTPUT exists, FORCE_BUILD is unset, and no INPUT file
# (or file under an INPUT folder) is newer than OUTPUT. Build scripts skip their work then.
up_to_date() {
  local out=$1
  shift
  [ -e "$out" ] && [ -z "${FORCE_BUILD:-}" ] && [ -z "$(find "$@" -newer "$out" -print -quit 2>/dev/null)" ]
}
