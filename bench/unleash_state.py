#!/usr/bin/env python3
"""Writes the Unleash state the delivery benchmarks serve: N flags (default 1,000), each with
3 constraints and a 25% rollout by userId, as an Unleash client-features document. Switchboard
imports it (bench/ofrep.sh); Unleash Edge serves it as its offline bootstrap (bench/edge.sh), so
both answer for the same flags.

Usage: bench/unleash_state.py OUT.json [N]
"""
import json
import sys

features = [{
    "name": f"flag-{i:04d}", "enabled": True, "type": "release", "project": "default",
    "strategies": [{
        "name": "flexibleRollout",
        "parameters": {"rollout": "25", "stickiness": "userId", "groupId": f"flag-{i:04d}"},
        "constraints": [
            {"contextName": "country", "operator": "IN", "values": ["CA", "US"]},
            {"contextName": "appVersion", "operator": "SEMVER_GT", "value": "1.4.0"},
            {"contextName": "plan", "operator": "NOT_IN", "values": ["free"]},
        ],
    }],
} for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1000)]
with open(sys.argv[1], "w") as out:
    json.dump({"version": 2, "features": features}, out)
