// The stack that `cdk8s synth` writes to dist/: one Hazelcast cluster, as in the tutorial.
import { App, Chart } from 'cdk8s';
import { HazelcastCluster } from './lib';

const app = new App();
const chart = new Chart(app, 'hazelcast', { disableResourceNameHashes: true });

new HazelcastCluster(chart, 'Hazelcast', { replicas: 3, networkPolicy: true });

app.synth();
