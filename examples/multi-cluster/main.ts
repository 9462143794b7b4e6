// A platform team's own cdk8s app: it installs this project as a package and runs two clusters side by side
// in one namespace, plus a client application written with cdk8s-plus that carries the label the sessions
// cluster's NetworkPolicy admits. The unit tests build this file against the package's published entry point.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { HazelcastCluster } from 'hazelcast-kubernetes-cdk8s';

const app = new App();
const chart = new Chart(app, 'platform', { disableResourceNameHashes: true });

const sessions = new HazelcastCluster(chart, 'Sessions', { name: 'sessions', namespace: 'platform', replicas: 3, networkPolicy: true });
new HazelcastCluster(chart, 'Catalog', { name: 'catalog', namespace: 'platform', replicas: 2 });

const web = new kplus.Deployment(chart, 'Web', {
  metadata: { name: 'web', namespace: 'platform' },
  replicas: 2,
  containers: [{ image: 'registry.example/web:1.0', portNumber: 8080, securityContext: { user: 10001 } }],
});
web.podMetadata.addLabel(sessions.clientLabel, 'true');

app.synth();
