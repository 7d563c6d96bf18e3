#!/usr/bin/env bash
# The browser tests drive Debian's chromium (playwright's own browser download cannot work offline).
# Installs it when missing, so `npm ci && npm test` works on a fresh machine.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing: install Debian's chromium package (apt-get install chromium) for the browser tests" >&2
  exit 1
fi
echo "Installing Debian's chromium for the browser tests..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
