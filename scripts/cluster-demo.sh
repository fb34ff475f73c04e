#!/usr/bin/env bash
# Two satiot nodes on one PostgreSQL and one NATS JetStream, working as one service (docs/cluster.md).
#
#   scripts/cluster-demo.sh                 # PostgreSQL at $PG_URL; NATS at $NATS_URL, or a nats-server of its own
#   PG_URL=postgres://me@db:5432/satiot NATS_URL=nats://nats:4222 scripts/cluster-demo.sh
#
# It registers a terminal through node A, posts a frame through node B, reads the message back
# through A, and shows the cluster view; then it leaves both nodes running until Ctrl-C.
# No containers: it uses the PostgreSQL you point it at (a schema `satiot_demo_<pid>` of this run's
# own, dropped when it stops: the keys it makes up die with it) and the nats-server binary when
# NATS_URL is not given.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
PORT_A=${PORT_A:-8081}
PORT_B=${PORT_B:-8082}
WORK=$(mktemp -d -t satiot-cluster-demo-XXXX)
SCHEMA=satiot_demo_$$
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  PG_URL="$PG_URL" SCHEMA="$SCHEMA" node -e "const c=new (require('pg').Client)(process.env.PG_URL);c.connect().then(()=>c.query('DROP SCHEMA IF EXISTS '+process.env.SCHEMA+' CASCADE')).catch(e=>console.error('could not drop schema '+process.env.SCHEMA+': '+e.message)).finally(()=>c.end())" || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

[ -f dist/cli/main.js ] || npm run build
command -v pg_isready >/dev/null && { pg_isready -d "$PG_URL" -q || { echo "error: PostgreSQL at $PG_URL does not answer (set PG_URL)"; exit 1; }; }

if [ -z "${NATS_URL:-}" ]; then
  NATS_BIN=$(command -v nats-server || ls /usr/sbin/nats-server 2>/dev/null || true)
  [ -n "$NATS_BIN" ] || { echo "error: no NATS_URL and no nats-server binary (apt install nats-server)"; exit 1; }
  NATS_PORT=$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")
  "$NATS_BIN" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$WORK/nats" >"$WORK/nats.log" 2>&1 &
  PIDS+=($!)
  NATS_URL=nats://127.0.0.1:$NATS_PORT
  echo "== nats-server of its own on $NATS_URL (store $WORK/nats)"
fi

export SATIOT_ADMIN_KEY=${SATIOT_ADMIN_KEY:-sat_demo_$(node -e "console.log(require('crypto').randomBytes(12).toString('hex'))")}
export SATIOT_MASTER_KEY=${SATIOT_MASTER_KEY:-$(node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")}
export SATIOT_AUDIT_SIGNING_KEY=${SATIOT_AUDIT_SIGNING_KEY:-$(node -e "console.log(require('crypto').generateKeyPairSync('ed25519').privateKey.export({type:'pkcs8',format:'pem'}).replace(/\n/g,'\\\\n'))")}
STORE="${PG_URL}$([[ $PG_URL == *\?* ]] && echo '&' || echo '?')schema=$SCHEMA"

for n in a b; do
  port=$([ $n = a ] && echo "$PORT_A" || echo "$PORT_B")
  node dist/cli/main.js serve --store "$STORE" --bus "$NATS_URL" --node-id "$n" --port "$port" --data "$WORK/$n" --log-level warn >"$WORK/$n.log" 2>&1 &
  PIDS+=($!)
done
for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "error: node on $port is not ready; its log:"; cat "$WORK"/*.log; exit 1; }
done
A=http://127.0.0.1:$PORT_A
B=http://127.0.0.1:$PORT_B
echo "== node a on $A, node b on $B (store $STORE, bus $NATS_URL)"

cli() { node dist/cli/main.js "$@"; }
TENANT=$(cli tenants add --url "$A" --name "cluster demo $(date +%s)" --format json | node -e "process.stdin.on('data',d=>console.log(JSON.parse(d).id))")
NWK=$(node -e "console.log(require('crypto').randomBytes(16).toString('hex'))"); APP=$(node -e "console.log(require('crypto').randomBytes(16).toString('hex'))")
DEVEUI=$(node -e "console.log(require('crypto').randomBytes(8).toString('hex'))"); DEVADDR=$(node -e "console.log(require('crypto').randomBytes(4).toString('hex'))")
cli terminals add --url "$A" --tenant "$TENANT" --dev-eui "$DEVEUI" --dev-addr "$DEVADDR" --nwk-s-key "$NWK" --app-s-key "$APP" >/dev/null
TOKEN=$(cli ground-stations add --url "$A" --name "demo station" --lat 39.9 --lon 116.4 --format json | node -e "process.stdin.on('data',d=>console.log(JSON.parse(d).token))")
echo "== terminal $DEVEUI registered through node a"

PHY=$(cli frame build --dev-addr "$DEVADDR" --nwk-s-key "$NWK" --app-s-key "$APP" --fcnt 1 --port 10 --payload 48656c6c6f | node -e "process.stdin.on('data',d=>console.log(JSON.parse(d).phyPayload))")
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
curl -fs -X POST "$B/api/v1/gateway/uplinks" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"frames\":[{\"phyPayload\":\"$PHY\",\"satelliteId\":\"DEMO-1\",\"capturedAt\":\"$NOW\",\"downlinkedAt\":\"$NOW\"}]}"
echo
echo "== posted through node b; read back through node a:"
curl -fs -H "authorization: Bearer $SATIOT_ADMIN_KEY" "$A/api/v1/terminals/$DEVEUI/messages" | node -e "process.stdin.on('data',d=>{const m=JSON.parse(d).items[0];console.log(JSON.stringify({id:m.id,fCnt:m.fCnt,payload:Buffer.from(m.payload,'base64').toString(),receptions:m.receptions.length}))})"
echo "== the cluster:"
cli cluster --url "$A"
echo
echo "Both nodes keep running (logs in $WORK/a.log, $WORK/b.log). Try: kill one, watch 'satiot cluster --url $B' move its leases. Ctrl-C stops."
wait
