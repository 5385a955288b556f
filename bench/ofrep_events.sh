#!/usr/bin/env bash
# OFREP change-stream fan-out: N OFREP event streams (the URL a bulk evaluation names), then R
# flag switches in the dashboard one after another. Prints p50/p99/max time from sending the
# switch request until each stream had the refetchEvaluation event, and the server's RSS. The
# same harness as the config watch benchmark (bench/config_watch.sh), in its `ofrep` mode.
#
# Usage: bench/ofrep_events.sh [STREAMS] [ROUNDS]   (defaults: 1000 streams, 10 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_MODE=ofrep exec bench/config_watch.sh "$@"
