#!/usr/bin/env bash
# A session with Gantry's API using nothing but curl, in two halves around a restart:
#
#   docs/examples/api-session.sh create URL ADMIN_TOKEN STATE_FILE   # tenants, tokens, apps, bad input
#   (restart ./gantry up)
#   docs/examples/api-session.sh verify URL ADMIN_TOKEN STATE_FILE   # everything is still there
#
# Each step checks the HTTP status it expects and stops with a message on the first surprise. The tenants'
# tokens are kept in STATE_FILE between the halves. GantryUpIT runs it against a real `./gantry up`.
set -euo pipefail

phase=${1:?create or verify}
api=${2:?base URL, e.g. http://localhost:8080}
admin=${3:?admin token}
state=${4:?state file}

body=$(mktemp)
trap 'rm -f "$body"' EXIT

# call EXPECTED_STATUS TOKEN METHOD PATH [JSON]: prints the response body; fails on another status.
call() {
  local expected=$1 token=$2 method=$3 path=$4 data=${5:-}
  local args=(-s -o "$body" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $token")
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data "$data")
  local status
  status=$(curl "${args[@]}" "$api$path")
  if [ "$status" != "$expected" ]; then
    echo "FAILED: $method $path answered $status, expected $expected: $(cat "$body")" >&2
    exit 1
  fi
  cat "$body"
}

# expect TEXT INPUT: fails unless INPUT contains TEXT.
expect() {
  case "$2" in
    *"$1"*) ;;
    *) echo "FAILED: expected to find '$1' in: $2" >&2; exit 1 ;;
  esac
}

token_of() { sed -n 's/.*"token":"\([^"]*\)".*/\1/p'; }

if [ "$phase" = create ]; then
  acme=$(call 201 "$admin" POST /api/tenants '{"name":"acme"}' | token_of)
  beta=$(call 201 "$admin" POST /api/tenants '{"name":"beta"}' | token_of)
  acme2=$(call 201 "$acme" POST /api/tokens '{"description":"ci"}' | token_of)
  expect '"git_url":"' "$(call 201 "$acme" POST /api/apps '{"name":"web"}')"
  call 201 "$acme2" POST /api/apps '{"name":"api"}' >/dev/null
  call 201 "$beta" POST /api/apps '{"name":"web"}' >/dev/null

  # Bad input: the right 4xx, with a sentence.
  expect 'not a valid app name' "$(call 422 "$acme" POST /api/apps '{"name":"Not_A_Label"}')"
  expect 'already have an app' "$(call 409 "$acme" POST /api/apps '{"name":"web"}')"
  expect 'not valid JSON' "$(call 400 "$acme" POST /api/apps '{oops')"
  expect 'admin token' "$(call 403 "$acme" POST /api/tenants '{"name":"evil"}')"
  expect 'not valid' "$(call 401 "gantry_nonsense" GET /api/apps)"

  printf 'acme=%s\nacme2=%s\nbeta=%s\n' "$acme" "$acme2" "$beta" >"$state"
  echo "create: 2 tenants, 1 extra token, 3 apps; bad input refused"
else
  # shellcheck disable=SC1090
  source "$state"
  tenants=$(call 200 "$admin" GET /api/tenants)
  expect '"name":"acme"' "$tenants"
  expect '"name":"beta"' "$tenants"
  apps=$(call 200 "$acme2" GET /api/apps)
  expect '"name":"api"' "$apps"
  expect '"name":"web"' "$apps"
  call 200 "$acme" GET /api/apps/web >/dev/null

  # Tenant B can neither see nor delete tenant A's apps.
  beta_apps=$(call 200 "$beta" GET /api/apps)
  case "$beta_apps" in *'"name":"api"'*) echo "FAILED: beta sees acme's app: $beta_apps" >&2; exit 1 ;; esac
  call 404 "$beta" GET /api/apps/api >/dev/null
  call 404 "$beta" DELETE /api/apps/api >/dev/null
  call 200 "$acme" GET /api/apps/api >/dev/null
  echo "verify: tenants, tokens and apps all there after the restart; tenants kept apart"
fi
