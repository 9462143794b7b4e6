// The floor reference: what any cdk8s app pays at least. Node starts, loads cdk8s, synthesizes two plain
// objects into $CDK8S_OUTDIR.
'use strict';
const { ApiObject, App, Chart } = require('cdk8s');

const app = new App();
const chart = new Chart(app, 'floor');
new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
app.synth();
