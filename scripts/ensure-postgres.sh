#!/usr/bin/env bash
# Starts the machine's PostgreSQL cluster if it is not answering (the tests create and drop their
# own databases in it).
set -euo pipefail
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
ready && exit 0
if [ -d /etc/postgresql ]; then
  echo "[postgres] starting the local cluster"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
for _ in $(seq 1 30); do ready && exit 0; sleep 1; done
echo "PostgreSQL is not answering at 127.0.0.1:5432; the PostgreSQL tests need it" >&2
exit 1
