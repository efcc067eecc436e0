#!/usr/bin/env bash
# The $BROWSER used by the aws-cli-oidc end-to-end tests: "opens" the
# authorization URL given as $1 by driving the real provider with curl.
#
# Env: E2E_DIR   where to record runs and logs (default $TMPDIR or /tmp)
#      E2E_USER  account to log in as (default alice)
#      E2E_MODE  normal | deny (provider answers access_denied)
#                | never (never call back; the CLI must time out)
#                | forge (first send a callback with a forged state to the
#                  redirect_uri, record its HTTP status in $E2E_DIR/forged_status,
#                  then do the normal flow)
#                | callback (skip the provider: send the redirect_uri the query
#                  $E2E_CALLBACK_QUERY, with STATE replaced by the login's state)
#
# Writes nothing to stdout or stderr (the CLI's streams stay clean): see
# $E2E_DIR/browser.log. Returns at once and works in a detached background
# job, so it behaves the same whether or not the caller waits for it.
set -u

dir="${E2E_DIR:-${TMPDIR:-/tmp}}"
mkdir -p "$dir" 2>/dev/null
exec </dev/null >>"$dir/browser.log" 2>&1

url="${1:-}"
user="${E2E_USER:-alice}"
mode="${E2E_MODE:-normal}"
echo "run $(date -u +%Y-%m-%dT%H:%M:%SZ) pid=$$ user=$user mode=$mode" >>"$dir/browser_runs"
echo "browser.sh: start user=$user mode=$mode"

urldecode() { local v="${1//+/ }"; printf '%b' "${v//%/\\x}"; }

query_param() { # query_param URL NAME
  local query="${1#*\?}" pair
  query="${query%%#*}"
  local IFS='&'
  for pair in $query; do
    if [ "${pair%%=*}" = "$2" ]; then urldecode "${pair#*=}"; return 0; fi
  done
  return 1
}

drive() {
  local jar status loc next
  jar="$(mktemp -d "$dir/browser.XXXXXX")" || return 1
  trap 'rm -rf "$jar"' RETURN
  local curl_opts=(-sS --max-time 20 --connect-timeout 5 -c "$jar/cookies" -b "$jar/cookies")

  if [ "$mode" = forge ]; then
    local redirect
    redirect="$(query_param "$url" redirect_uri)" || { echo "browser.sh: no redirect_uri in URL"; return 1; }
    status="$(curl "${curl_opts[@]}" -o /dev/null -w '%{http_code}' \
      "$redirect?code=forged-code&state=forged-state")"
    echo "$status" >"$dir/forged_status"
    echo "browser.sh: forged callback answered HTTP $status"
  fi

  # Act like a browser with JavaScript: follow redirects, submit auto-submit
  # and confirmation forms (device flow), and tell our interaction route who
  # logs in. Leaving the provider's origin (the client's redirect URI) ends it.
  local origin next="$url" step code
  [[ "$url" =~ ^(https?://[^/?#]+) ]] || { echo "browser.sh: not an http(s) URL"; return 1; }
  origin="${BASH_REMATCH[1]}"
  local data=()
  for step in 1 2 3 4 5 6 7 8 9 10 11 12; do
    local req=("${curl_opts[@]}" -o "$jar/body" -w '%{http_code} %{redirect_url}')
    [ "${#data[@]}" -gt 0 ] && req+=("${data[@]}")
    status="$(curl "${req[@]}" "$next")" || { echo "browser.sh: request $step failed"; return 1; }
    code="${status%% *}"
    loc="${status#* }"
    echo "browser.sh: step $step: ${next%%\?*} -> HTTP $code"
    if [ "${next#"$origin"}" = "$next" ]; then
      echo "browser.sh: done, the client answered HTTP $code"
      return 0
    fi
    data=()
    if [ -n "$loc" ]; then
      case "$loc" in
        "$origin"/interaction/*) next="$loc?user=$user&mode=$mode" ;;
        *) next="$loc" ;;
      esac
      continue
    fi
    # A form to post (the device flow's auto-submit and confirm pages, form_post).
    local action
    action="$(tr '>' '\n' <"$jar/body" | sed -n 's/.*<form[^>]*method="post"[^>]*action="\([^"]*\)".*/\1/p' | head -n 1)"
    if [ -z "$action" ]; then
      echo "browser.sh: done, page without redirect or form (HTTP $code)"
      return 0
    fi
    while IFS=$'\t' read -r name value; do
      [ -n "$name" ] && data+=(--data-urlencode "$name=$value")
    done < <(tr '>' '\n' <"$jar/body" | sed -n 's/.*<input type="hidden" name="\([^"]*\)" value="\([^"]*\)".*/\1\t\2/p')
    [ "${#data[@]}" -gt 0 ] || data=(--data "")
    case "$action" in
      http://* | https://*) next="$action" ;;
      /*) next="$origin$action" ;;
      *) echo "browser.sh: form action $action not understood"; return 1 ;;
    esac
  done
  echo "browser.sh: gave up after $step steps"
  return 1
}

callback() {
  local redirect state query
  redirect="$(query_param "$url" redirect_uri)" || { echo "browser.sh: no redirect_uri in URL"; return 1; }
  state="$(query_param "$url" state)" || { echo "browser.sh: no state in URL"; return 1; }
  query="${E2E_CALLBACK_QUERY:-}"
  query="${query//STATE/$state}"
  curl -sS --max-time 10 -o /dev/null -w 'browser.sh: crafted callback answered HTTP %{http_code}\n' "$redirect/?$query"
}

case "$mode" in
  callback)
    ( callback || echo "browser.sh: callback failed" ) &
    ;;
  never)
    ( sleep "${E2E_NEVER_SECONDS:-30}"; echo "browser.sh: never mode ends" ) &
    ;;
  normal | deny | forge)
    ( drive || echo "browser.sh: flow failed" ) &
    ;;
  *)
    echo "browser.sh: unknown E2E_MODE=$mode"
    exit 2
    ;;
esac
exit 0
