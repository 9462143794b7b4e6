/**
 * Self-check of e2e/harness/control-plane.ts; run by smoke.sh inside a fresh network namespace:
 *   tsx e2e/controlplane/smoke.ts <stateDir>
 * Prints "N passed, N failed" at the end; exit code 0 only if every check passed.
 */
import { readFile } from 'node:fs/promises';
import * as https from 'node:https';
import { startControlPlane, type ControlPlane } from '../harness/control-plane.js';

const NS = 'smoke';
const SA = 'smoke-sa';

let passed = 0;
let failed = 0;
function check(name: string, ok: boolean, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` - ${detail}` : ''}`);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function poll<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) {
      console.log(`.... gave up waiting for ${what} after ${timeoutMs} ms`);
      return undefined;
    }
    await sleep(500);
  }
}

function httpsGet(url: string, ca: Buffer, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers: { Authorization: `Bearer ${token}` }, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const manifests = `
apiVersion: v1
kind: Namespace
metadata:
  name: ${NS}
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${SA}
  namespace: ${NS}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${NS}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: ${SA}
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: web
        image: example.invalid/web:1
        ports: [{containerPort: 5701, name: hazelcast}]
        readinessProbe:
          tcpSocket: {port: 5701}
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${NS}
spec:
  selector: {app: web}
  ports: [{name: hazelcast, port: 5701, targetPort: hazelcast}]
`;

const privilegedPod = `
apiVersion: v1
kind: Pod
metadata:
  name: privileged
  namespace: ${NS}
spec:
  containers:
  - name: c
    image: example.invalid/x:1
    securityContext: {privileged: true}
`;

const rbac = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: endpoints-reader
  namespace: ${NS}
rules:
- apiGroups: [""]
  resources: [endpoints, pods, services]
  verbs: [get, list]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: endpoints-reader
  namespace: ${NS}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: endpoints-reader}
subjects:
- {kind: ServiceAccount, name: ${SA}, namespace: ${NS}}
`;

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status: { phase?: string; podIP?: string; hostIP?: string; conditions?: { type: string; status: string }[] };
}

async function main() {
  const stateDir = process.argv[2];
  if (!stateDir) throw new Error('usage: smoke.ts <stateDir>');
  let cp: ControlPlane | undefined;
  const onSignal = (sig: string) => {
    console.log(`[smoke] ${sig}: stopping the control plane`);
    void (cp?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));

  try {
    cp = await startControlPlane({ stateDir, log: (s) => console.log(s) });
    console.log(`[smoke] control plane ready in ${cp.timings.ready} ms: ${JSON.stringify(cp.timings)}`);
    const k = cp.kubectl;

    const ver = await k(['version', '-o', 'json']);
    check('server version', ver.code === 0, JSON.parse(ver.stdout || '{}').serverVersion?.gitVersion);

    const kubeEp = await k(['get', 'endpoints', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}']);
    check('kubernetes Service endpoints = 10.244.0.1:443', kubeEp.stdout === '10.244.0.1:443', kubeEp.stdout);
    const kubeSvc = await k(['get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}']);
    check('kubernetes Service clusterIP = 10.96.0.1', kubeSvc.stdout === '10.96.0.1', kubeSvc.stdout);

    const applied = await k(['apply', '-f', '-'], { input: manifests });
    check('apply namespace/sa/deployment/service', applied.code === 0, applied.stderr.trim());

    const priv = await k(['apply', '-f', '-'], { input: privilegedPod });
    check('PodSecurity restricted rejects a privileged pod', priv.code !== 0 && /violates PodSecurity "restricted/.test(priv.stderr),
      priv.stderr.trim().split('\n')[0]);

    const pods = await poll('2 Running+Ready pods', 90_000, async () => {
      const r = await k(['get', 'pods', '-n', NS, '-l', 'app=web', '-o', 'json']);
      const items = (JSON.parse(r.stdout).items as PodJson[]).filter((p) => !p.metadata.deletionTimestamp);
      const ok = items.filter((p) => p.status.phase === 'Running' && p.status.podIP &&
        p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return ok.length === 2 ? ok : undefined;
    });
    check('2 pods Running and Ready', !!pods, pods?.map((p) => `${p.metadata.name}=${p.status.podIP}`).join(' '));
    if (!pods) return;
    const ips = pods.map((p) => p.status.podIP!).sort();
    check('pod IPs from podCIDR 10.244.1.0/24', ips.every((ip) => /^10\.244\.1\.\d+$/.test(ip)), ips.join(' '));
    check('hostIP = 10.244.0.1', pods.every((p) => p.status.hostIP === '10.244.0.1'));

    const slices = await poll('EndpointSlice with both pods', 30_000, async () => {
      const r = await k(['get', 'endpointslices', '-n', NS, '-l', 'kubernetes.io/service-name=web', '-o', 'json']);
      const eps = (JSON.parse(r.stdout).items as { endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[] }[])
        .flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).flatMap((e) => e.addresses).sort();
      return eps.join(',') === ips.join(',') ? eps : undefined;
    });
    check('EndpointSlice lists both pods as ready', !!slices, slices?.join(' '));
    const endpoints = await poll('Endpoints with both pods', 30_000, async () => {
      const r = await k(['get', 'endpoints', 'web', '-n', NS, '-o', 'jsonpath={.subsets[*].addresses[*].ip}']);
      const got = r.stdout.split(' ').filter(Boolean).sort();
      return got.join(',') === ips.join(',') ? got : undefined;
    });
    check('Endpoints lists both pods', !!endpoints, endpoints?.join(' '));

    const pod = pods[0];
    const tok = await k(['create', 'token', SA, '-n', NS, '--bound-object-kind=Pod', `--bound-object-name=${pod.metadata.name}`,
      `--bound-object-uid=${pod.metadata.uid}`]);
    const token = tok.stdout.trim();
    check('kubectl create token bound to the pod', tok.code === 0 && token.split('.').length === 3, tok.stderr.trim());

    // What a member does: https://kubernetes.default.svc.cluster.local (port 443; smoke.sh maps the name in
    // /etc/netns/<ns>/hosts), the cluster CA, and the bound token.
    const ca = await readFile(cp.caFile);
    const base = 'https://kubernetes.default.svc.cluster.local';
    const review = await httpsGet(`${base}/apis/authentication.k8s.io/v1/selfsubjectreviews`, ca, token).catch((e: Error) => ({ status: 0, body: e.message }));
    // selfsubjectreviews is create-only; a GET answers 405, which still proves TLS (SAN, CA) and port 443
    check('https://kubernetes.default.svc.cluster.local reachable with cluster CA', review.status === 405 || review.status === 403 || review.status === 200,
      `status ${review.status}`);
    const who = await k(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}', '--token', token, '--kubeconfig=/dev/null',
      `--server=${base}`, `--certificate-authority=${cp.caFile}`]);
    check('token authenticates as the service account', who.stdout === `system:serviceaccount:${NS}:${SA}`, who.stdout || who.stderr.trim());

    const canI = await k(['auth', 'can-i', 'list', 'endpoints', '-n', NS, `--as=system:serviceaccount:${NS}:${SA}`]);
    check('can-i list endpoints without RBAC = no', canI.stdout.trim() === 'no', canI.stdout.trim());
    const forbidden = await httpsGet(`${base}/api/v1/namespaces/${NS}/endpoints`, ca, token);
    check('list endpoints with the token without RBAC = 403', forbidden.status === 403, `status ${forbidden.status}`);

    const rb = await k(['apply', '-f', '-'], { input: rbac });
    check('apply Role/RoleBinding', rb.code === 0, rb.stderr.trim());
    const canI2 = await poll('can-i yes', 10_000, async () => {
      const r = await k(['auth', 'can-i', 'list', 'endpoints', '-n', NS, `--as=system:serviceaccount:${NS}:${SA}`]);
      return r.stdout.trim() === 'yes' ? r : undefined;
    });
    check('can-i list endpoints with RBAC = yes', !!canI2);
    const listed = await httpsGet(`${base}/api/v1/namespaces/${NS}/endpoints/web`, ca, token);
    check('get endpoints with the token and RBAC = 200', listed.status === 200, `status ${listed.status}`);

    // No pod-delete stage: a deleted pod stays Terminating until someone deletes it with grace 0 (the member runner).
    const del = await k(['delete', 'pod', pod.metadata.name, '-n', NS, '--wait=false']);
    await sleep(3000);
    const still = await k(['get', 'pod', pod.metadata.name, '-n', NS, '-o', 'jsonpath={.metadata.deletionTimestamp}']);
    check('deleted pod stays Terminating (no KWOK delete stage)', del.code === 0 && still.code === 0 && still.stdout !== '', still.stdout);
    const force = await k(['delete', 'pod', pod.metadata.name, '-n', NS, '--grace-period=0', '--force', '--wait=true', '--timeout=30s']);
    check('delete with grace 0 removes it', force.code === 0, force.stderr.trim().split('\n').pop());
    const replaced = await poll('replacement pod', 60_000, async () => {
      const r = await k(['get', 'pods', '-n', NS, '-l', 'app=web', '-o', 'json']);
      const items = (JSON.parse(r.stdout).items as PodJson[]).filter((p) => p.status.phase === 'Running' && p.metadata.name !== pod.metadata.name);
      return items.length === 2 ? items : undefined;
    });
    check('ReplicaSet replaces it with a Running pod', !!replaced, replaced?.map((p) => `${p.metadata.name}=${p.status.podIP}`).join(' '));
  } catch (e) {
    failed++;
    console.log(`FAIL exception: ${e instanceof Error ? e.stack : String(e)}`);
  } finally {
    if (cp) {
      const t = Date.now();
      await cp.stop();
      console.log(`[smoke] control plane stopped in ${Date.now() - t} ms`);
    }
    console.log(`smoke: ${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
  }
}

void main();
