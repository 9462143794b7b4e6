// A platform team's own cdk8s app: it installs this project as a package and runs two clusters side by side
// in one namespace. The unit tests build this file against the package's published entry point.
import { App, Chart } from 'cdk8s';
import { HazelcastCluster } from 'hazelcast-kubernetes-cdk8s';

const app = new App();
const chart = new Chart(app, 'platform', { disableResourceNameHashes: true });

new HazelcastCluster(chart, 'Sessions', { name: 'sessions', namespace: 'platform', replicas: 3 });
new HazelcastCluster(chart, 'Catalog', { name: 'catalog', namespace: 'platform', replicas: 2 });

app.synth();
