package io.hazelcastk8s.example;

import io.hazelcastk8s.cdk8s.HazelcastCluster;
import io.hazelcastk8s.cdk8s.HazelcastClusterProps;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.cdk8s.ChartProps;

/** The stack of main.ts, in Java: one Hazelcast cluster, as in the tutorial. */
public final class Main {
    public static void main(final String[] args) {
        App app = new App();
        Chart chart = new Chart(app, "hazelcast", ChartProps.builder().disableResourceNameHashes(true).build());

        new HazelcastCluster(chart, "Hazelcast", HazelcastClusterProps.builder().replicas(3).networkPolicy(true).build());

        app.synth();
    }
}
