#!/usr/bin/env bash
# The management endpoint's bearer tokens (README, "Security"): an operator token (admin, read) and a
# monitoring token (read), as a tokens file for ACTORMTA_MANAGEMENT_TOKENS_FILE and the read token alone
# for Prometheus. Nodes read the tokens file again when it changes: rotate by rewriting it.
# usage: ops/management-tokens.sh DIR     -> DIR/management-tokens, DIR/admin.token, DIR/read.token (0600)
# env:   KEY_OWNER  UID to own the files (compose: 1654, the image's "app" user, must read them)
set -euo pipefail
dir=${1:?usage: management-tokens.sh DIR}
mkdir -p "$dir"
umask 077
admin=$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=')
read=$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=')
printf '# scope[,scope] token\nadmin,read %s\nread %s\n' "$admin" "$read" > "$dir/management-tokens"
printf '%s\n' "$admin" > "$dir/admin.token"
printf '%s\n' "$read" > "$dir/read.token"
[ -z "${KEY_OWNER:-}" ] || chown "$KEY_OWNER" "$dir/management-tokens" "$dir/admin.token" "$dir/read.token"
echo "wrote $dir/management-tokens (for the nodes), $dir/admin.token (operators), $dir/read.token (monitoring)"
