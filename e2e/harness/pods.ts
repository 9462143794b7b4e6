// What the real-node scenarios add to e2e/harness/cluster.ts: pods that run a command and report (clients inside
// the pod network), logs served by the real kubelet, restart counts as the kubelet reports them, and node failure.
import { inject } from 'vitest';
import { kubectl, tryKubectl, waitFor } from './cluster';
import { HAZELCAST_VERSION } from '../../lib/versions';

/** The locally built member image: it also carries the e2e client command (e2e/image/). */
export const MEMBER_IMAGE = `docker.io/hazelcast/hazelcast:${HAZELCAST_VERSION}`;

/** The security context Pod Security "restricted" asks of every container. */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 65534,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export interface PodRun { phase: 'Succeeded' | 'Failed'; exitCode: number; log: string }

/**
 * Runs a one-shot pod (restartPolicy Never) from the member image with `command`, waits until it ends and returns
 * its exit code and log (read through the kubelet, as `kubectl logs` does). The pod is deleted afterwards.
 */
export async function runPod(namespace: string, name: string, command: string[], opts: {
  labels?: Record<string, string>; timeoutMs?: number; securityContext?: object;
  /** A ConfigMap to mount read-only (an app's client config). */
  configMap?: { name: string; mountPath: string };
} = {}): Promise<PodRun> {
  await kubectl(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { 'e2e-role': 'probe', ...opts.labels } },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      containers: [{
        name: 'probe', image: MEMBER_IMAGE, imagePullPolicy: 'Never', command,
        securityContext: opts.securityContext ?? RESTRICTED_CONTAINER,
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '384Mi' } },
        volumeMounts: [
          { name: 'tmp', mountPath: '/tmp' },
          ...(opts.configMap ? [{ name: 'config', mountPath: opts.configMap.mountPath, readOnly: true }] : []),
        ],
      }],
      volumes: [{ name: 'tmp', emptyDir: {} }, ...(opts.configMap ? [{ name: 'config', configMap: { name: opts.configMap.name } }] : [])],
    },
  }));
  try {
    const pod = await waitFor(`pod ${namespace}/${name} to finish`, opts.timeoutMs ?? 180_000, async () => {
      const p = JSON.parse(await kubectl(['get', 'pod', name, '-n', namespace, '-o', 'json']));
      return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
    }, 1000);
    const log = await kubectl(['logs', name, '-n', namespace]);
    const exitCode = pod.status.containerStatuses?.[0]?.state?.terminated?.exitCode ?? -1;
    return { phase: pod.status.phase, exitCode, log };
  } finally {
    await tryKubectl(['delete', 'pod', name, '-n', namespace, '--grace-period=0', '--wait=false']);
  }
}

/** The result line of the e2e client (`{"ok":true,"op":"get","found":100,...}`), parsed. */
export function clientResult(log: string): Record<string, unknown> {
  const line = log.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no result line from the client in:\n${log}`);
  return JSON.parse(line);
}

/** The e2e client in the member image (e2e/image/): one operation against a cluster, one JSON result line. */
export function clientCommand(address: string, cluster: string, op: string, extra: string[] = []): string[] {
  return ['hz-e2e-client', '--address', address, '--cluster', cluster, '--op', op, ...extra];
}

/** A member's log as the kubelet serves it (`kubectl logs`, as the tutorial reads it). */
export async function podLog(namespace: string, pod: string): Promise<string> {
  return kubectl(['logs', pod, '-n', namespace]);
}

/** Restart count of every container of every pod in the namespace, as the kubelet reports it. */
export async function restartCounts(namespace: string): Promise<Record<string, number>> {
  const pods = JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-o', 'json'])).items as any[];
  return Object.fromEntries(pods.map((p) => [p.metadata.name,
    (p.status.containerStatuses ?? []).reduce((n: number, c: any) => n + c.restartCount, 0)]));
}

/** Fails when any container in the namespace restarted: a member that crashed and came back is a failure. */
export async function expectNoRestarts(namespace: string): Promise<void> {
  const restarted = Object.entries(await restartCounts(namespace)).filter(([, n]) => n > 0);
  if (restarted.length) throw new Error(`containers restarted in ${namespace}: ${restarted.map(([p, n]) => `${p} x${n}`).join(', ')}`);
}

/** Node of every pod of a cluster. */
export async function podNodes(namespace: string, cluster: string): Promise<Record<string, string>> {
  const pods = JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-l', `name=${cluster}`, '-o', 'json'])).items as any[];
  return Object.fromEntries(pods.filter((p) => !p.metadata.deletionTimestamp).map((p) => [p.metadata.name, p.spec.nodeName]));
}

/** Kills a node's kubelet, kube-proxy, policy enforcer, containerd and every container on it (no clean shutdown). */
export async function crashNode(node: string): Promise<void> {
  const res = await fetch(`${inject('nodeControlUrl')}/${node}/crash`, { method: 'POST' });
  if (!res.ok) throw new Error(`crash ${node}: ${res.status} ${await res.text()}`);
}

/** Starts a crashed node again (containerd, kubelet, kube-proxy, policies) and waits until it is Ready. */
export async function restartNode(node: string): Promise<void> {
  const res = await fetch(`${inject('nodeControlUrl')}/${node}/restart`, { method: 'POST' });
  if (!res.ok) throw new Error(`restart ${node}: ${res.status} ${await res.text()}`);
  await waitFor(`node ${node} Ready again`, 180_000, async () => {
    const n = JSON.parse(await kubectl(['get', 'node', node, '-o', 'json']));
    return n.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True');
  }, 1000);
}

/** An HTTP/1.0 GET with bash's /dev/tcp, all of it bounded to 15 s: prints the response, or exits non-zero. */
export function httpGetCommand(host: string, port: number, urlPath: string): string[] {
  return ['timeout', '15', 'bash', '-c',
    `exec 3<>/dev/tcp/${host}/${port} && printf 'GET ${urlPath} HTTP/1.0\\r\\nHost: ${host}\\r\\n\\r\\n' >&3 && cat <&3`];
}

/** Imports an OCI image archive into every node's containerd (there is no registry to pull from). */
export async function importImage(tar: string): Promise<void> {
  const res = await fetch(`${inject('nodeControlUrl')}/images?tar=${encodeURIComponent(tar)}`, { method: 'POST' });
  if (!res.ok) throw new Error(`import ${tar}: ${res.status} ${await res.text()}`);
}
