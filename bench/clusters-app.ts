// An app with N clusters (N from argv), each in its own namespace, to show how synthesis grows with size.
import { App, Chart } from 'cdk8s';
import { HazelcastCluster } from '../lib';

const count = Number(process.argv[2] ?? '1');
const app = new App();
const chart = new Chart(app, 'clusters', { disableResourceNameHashes: true });
for (let i = 0; i < count; i++) {
  new HazelcastCluster(chart, `Cluster${i}`, { namespace: `team-${i}`, replicas: 3 });
}
app.synth();
