#!/usr/bin/env bash
# Installs the third-party servers the tests start on 127.0.0.1 (and stop) themselves:
#   - Apache httpd with mod_auth_digest, from Debian's packages (tests/auth_digest.rs);
#   - Stoplight Prism and oauth2-mock-server, from npm at the versions pinned in
#     tests/servers/package-lock.json (tests/prism.rs, tests/auth_oauth.rs).
# Idempotent: installs only what is missing or changed. Needs root for apt-get (CI is).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for package in apache2 apache2-utils; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
    echo "setup-test-servers: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "setup-test-servers: node and npm (Node.js 20.19 or later) are needed" >&2
    exit 1
fi
servers=tests/servers
stamp="$servers/node_modules/.installed-from-lock"
lock_sum=$(sha256sum "$servers/package-lock.json" | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
    echo "setup-test-servers: npm ci in $servers"
    npm ci --prefix "$servers" --no-audit --no-fund --loglevel=error
    echo "$lock_sum" >"$stamp"
fi
prism_version=$("$servers/node_modules/.bin/prism" --version)
apache_version=$(/usr/sbin/apache2 -v | sed -n 's|^Server version: Apache/\([^ ]*\).*|\1|p')
echo "setup-test-servers: apache2 $apache_version, prism $prism_version, node $(node --version)"
