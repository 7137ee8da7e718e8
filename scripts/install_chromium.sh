#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing (never a downloaded browser build).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_chromium: no apt-get here; install Chromium so that /usr/bin/chromium exists, or the browser tests are skipped" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "install_chromium: not root and no password-less sudo: run 'sudo apt-get install chromium', or the browser tests are skipped" >&2
    exit 0
  fi
fi
echo "install_chromium: installing Debian's chromium (once)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
