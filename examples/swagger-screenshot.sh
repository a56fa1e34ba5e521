#!/usr/bin/env bash
# Takes a screenshot of the gateway's Swagger UI (every service's operations on one page)
# with headless Chromium: examples/swagger-screenshot.sh [OUT.png]
#   GATEWAY=http://127.0.0.1:6795 by default; needs chromium (apt-get install -y chromium).
set -euo pipefail
GATEWAY="${GATEWAY:-http://127.0.0.1:6795}"
OUT="${1:-swagger-ui.png}"
BROWSER="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$BROWSER" ]; then
  echo "error: no chromium found; install it with 'apt-get install -y chromium'" >&2
  exit 2
fi
# the UI loads the MDS document through the gateway: check it is there first
curl -sSf -o /dev/null "$GATEWAY/v3/api-docs/mds"
"$BROWSER" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-dev-shm-usage \
  --hide-scrollbars --window-size=1400,4000 --virtual-time-budget=15000 \
  --screenshot="$OUT" "$GATEWAY/swagger-ui/index.html?urls.primaryName=mds" >/dev/null 2>&1
echo "screenshot of $GATEWAY/swagger-ui.html written to $OUT"
