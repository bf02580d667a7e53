#!/usr/bin/env bash
# The fleet certificate for the cluster transport (Akka.Remote over TLS): one self-signed
# certificate and key that every node presents and trusts. Names cover the compose services and
# the StatefulSet's pods in the given Kubernetes namespaces.
# usage: ops/fleet-cert.sh DIR [NAMESPACE...]     -> DIR/fleet.crt, DIR/fleet.key (0600)
# env:   KEY_OWNER  UID to own the key (compose: 1654, the image's "app" user, must read it)
set -euo pipefail
dir=${1:?usage: fleet-cert.sh DIR [NAMESPACE...]}; shift
namespaces=("${@:-default}")
san="DNS:node1,DNS:node2,DNS:node3,DNS:localhost,IP:127.0.0.1"
for ns in "${namespaces[@]}"; do
  san+=",DNS:*.actormta-cluster.$ns.svc.cluster.local,DNS:*.actormta-cluster.$ns.svc"
done
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey rsa:3072 -sha256 -days 825 -nodes \
  -keyout "$dir/fleet.key" -out "$dir/fleet.crt" -subj "/CN=actormta-fleet" \
  -addext "subjectAltName=$san" -addext "extendedKeyUsage=serverAuth,clientAuth" 2>/dev/null
chmod 0644 "$dir/fleet.crt"
[ -z "${KEY_OWNER:-}" ] || chown "$KEY_OWNER" "$dir/fleet.key"
openssl x509 -in "$dir/fleet.crt" -noout -subject -enddate -ext subjectAltName
