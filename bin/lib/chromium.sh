# shellcheck shell=bash
# Hookline: make sure Debian's headless-capable Chromium and its driver are installed, for the console's
# browser tests. Sourced by bin/test. Safe under `set -euo pipefail`.
#
#   ensure_chromium    installs `chromium` and `chromium-driver` with apt-get when either is missing
#
# Nothing is downloaded at test time: Selenium is pointed at /usr/bin/chromedriver and /usr/bin/chromium
# (HOOKLINE_CHROMIUM, HOOKLINE_CHROMEDRIVER override them).

ensure_chromium() {
  local browser=${HOOKLINE_CHROMIUM:-/usr/bin/chromium} driver=${HOOKLINE_CHROMEDRIVER:-/usr/bin/chromedriver}
  if [[ -x $browser && -x $driver ]]; then
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || {
    printf 'hookline: error: %s %s\n' "Chromium is not installed and apt-get is not available; install chromium and" \
      "chromium-driver, or set HOOKLINE_CHROMIUM and HOOKLINE_CHROMEDRIVER" >&2
    return 1
  }
  printf 'hookline: %s\n' "installing chromium and chromium-driver with apt-get (for the console's browser tests)" >&2
  local sudo=()
  [[ $EUID -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q >&2 || { printf 'hookline: error: apt-get update failed\n' >&2; return 1; }
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    chromium chromium-driver fonts-dejavu-core >&2 || {
    printf 'hookline: error: apt-get install chromium chromium-driver failed\n' >&2
    return 1
  }
}
