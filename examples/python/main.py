#!/usr/bin/env python3
"""The stack of main.ts, in Python: one Hazelcast cluster, as in the tutorial.

Run it through the safe synth (dist/ kept on failure, the restart check), from this folder:
    npx hazelcast-cdk8s-synth        # reads cdk8s.yaml: app "python3 main.py", output dist
"""
from cdk8s import App, Chart
from hazelcast_kubernetes_cdk8s import HazelcastCluster

app = App()
chart = Chart(app, "hazelcast", disable_resource_name_hashes=True)

HazelcastCluster(chart, "Hazelcast", replicas=3, network_policy=True)

app.synth()
