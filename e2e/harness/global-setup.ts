// Starts a real Kubernetes cluster before any scenario runs: the control plane (e2e/harness/control-plane.ts,
// without KWOK), three real nodes (containerd + runc + CNI bridge, kubelet, kube-proxy, kube-router's firewall),
// each in its own network namespace and zone, and CoreDNS. Runs once in vitest's main process, inside the
// suite's network namespace (e2e/nodes/run.sh). Teardown stops every process it started, by pid.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startControlPlane } from './control-plane';
import { printFigures, recordFigure } from './figures';
import { CLUSTER_DNS_IP, coreDnsManifests } from './coredns';
import { ENFORCER_SERVICE_ACCOUNT, networkPolicyEnforcerRbac, tokenKubeconfig } from './network-policies';
import { CLUSTER_CIDR6, createHub, createNodeNetwork, deleteNodeNetwork, HUB_IP, nodeAddress, routeBetweenNodes, SERVICE_CIDR6 } from './network';
import { KubeNode, nodeBinariesFromEnv } from './node';

export interface NodeInfo { name: string; zone: string; ip: string }

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    stateDir: string;
    nodes: NodeInfo[];
    /**
     * POST <url>/<node>/crash kills a node's kubelet and containers, /restart boots it again, <url>/images?tar=<path>
     * imports an OCI archive on every node (scenarios run in worker processes).
     */
    nodeControlUrl: string;
  }
}

const NODE_COUNT = Number(process.env.E2E_NODES ?? 3);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = process.env.E2E_STATE_DIR;
  const runId = process.env.E2E_RUN_ID;
  if (!stateDir || !runId) throw new Error('run the real-node suite through e2e/nodes/run.sh (it sets E2E_STATE_DIR and E2E_RUN_ID)');
  const log = (line: string) => fs.appendFileSync(path.join(stateDir, 'harness.log'), `${new Date().toISOString()} ${line}\n`);
  const binaries = nodeBinariesFromEnv();
  const images = [process.env.MEMBER_IMAGE_TAR!, process.env.PAUSE_IMAGE_TAR!, process.env.COREDNS_IMAGE_TAR!];
  const t0 = Date.now();

  createHub();
  const controlPlane = await startControlPlane({ stateDir: path.join(stateDir, 'control-plane'), apiServerIP: HUB_IP, serviceCIDR6: SERVICE_CIDR6, log });
  const kubectl = async (args: string[], input?: string) => {
    const r = await controlPlane.kubectl(args, { input, check: true });
    return r.stdout;
  };

  const addresses = Array.from({ length: NODE_COUNT }, (_, i) => nodeAddress(runId, i + 1));
  const nodes: KubeNode[] = [];
  const teardown = async () => {
    await Promise.all(nodes.map((n) => n.stop().catch((e) => log(`stopping ${n.name}: ${e}`))));
    await controlPlane.stop();
    for (const a of addresses) deleteNodeNetwork(a);
  };
  try {
    const proxyKubeconfig = await controlPlane.clientKubeconfig('system:kube-proxy', []);
    await kubectl(['apply', '-f', '-'], networkPolicyEnforcerRbac());
    const policyKubeconfig = path.join(stateDir, 'policy-enforcer.kubeconfig');
    const token = (await kubectl(['create', 'token', ENFORCER_SERVICE_ACCOUNT, '-n', 'kube-system', '--duration=24h'])).trim();
    fs.writeFileSync(policyKubeconfig, tokenKubeconfig(controlPlane.apiServerURL, fs.readFileSync(controlPlane.caFile, 'utf-8'), ENFORCER_SERVICE_ACCOUNT, token), { mode: 0o600 });
    for (const address of addresses) {
      createNodeNetwork(address);
      nodes.push(new KubeNode({
        address,
        dir: path.join(stateDir, 'nodes', address.name),
        runId,
        binaries,
        kubeletKubeconfig: await controlPlane.clientKubeconfig(`system:node:${address.name}`, ['system:nodes']),
        proxyKubeconfig,
        policyKubeconfig,
        caFile: controlPlane.caFile,
        clusterDNS: CLUSTER_DNS_IP,
        clusterCIDR: `10.244.0.0/16,${CLUSTER_CIDR6}`,
        log,
      }));
    }
    routeBetweenNodes(addresses);
    await Promise.all(nodes.map((n) => n.startRuntime(images)));
    recordFigure(stateDir, `containerd on ${nodes.length} nodes, images imported`, Date.now() - t0);
    // One kubelet after the other: each binds the machine-wide /var/lib/kubelet/device-plugins/kubelet.sock (a
    // fixed path, removed and bound again at start); two starting at once can fail with "address already in use".
    for (const n of nodes) {
      n.startKubelet();
      await waitUntil(`${n.name} registered`, 120_000, async () => {
        const dead = n.deadReason();
        if (dead) throw new Error(dead);
        return (await controlPlane.kubectl(['get', 'node', n.name, '-o', 'name'])).code === 0;
      });
    }
    await waitUntil('every node Ready', 180_000, async () => {
      for (const n of nodes) { const dead = n.deadReason(); if (dead) throw new Error(dead); }
      const list = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])).items as any[];
      return list.length === nodes.length && list.every((n) => n.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    });
    recordFigure(stateDir, `${nodes.length} real nodes Ready`, Date.now() - t0);
    for (const n of nodes) n.startNetworkDaemons();
    await kubectl(['apply', '-f', '-'], coreDnsManifests(process.env.COREDNS_IMAGE!, addresses.map((a) => ({ name: a.name, ip: a.ip }))));
    await kubectl(['rollout', 'status', '-n', 'kube-system', 'deployment/coredns', '--timeout=180s']);
    recordFigure(stateDir, 'cluster ready (nodes, kube-proxy, policies, CoreDNS)', Date.now() - t0);
  } catch (e) {
    log(`setup failed: ${e instanceof Error ? e.stack : e}`);
    await teardown();
    throw e;
  }

  const control = http.createServer((req, res) => {
    const image = /^\/images\?tar=(.+)$/.exec(req.url ?? '');
    if (req.method === 'POST' && image) {
      const tar = decodeURIComponent(image[1]);
      log(`importing ${tar} on every node, requested by a scenario`);
      Promise.all(nodes.map((n) => n.importImages([tar]))).then(() => res.writeHead(200).end('imported'), (e) => res.writeHead(500).end(String(e)));
      return;
    }
    const m = /^\/([^/]+)\/(crash|restart)$/.exec(req.url ?? '');
    const node = nodes.find((n) => n.name === m?.[1]);
    if (req.method !== 'POST' || !node || !m) { res.writeHead(404).end(); return; }
    log(`${m[2]} of node ${node.name} requested by a scenario`);
    (m[2] === 'crash' ? node.crash() : node.restart()).then(() => res.writeHead(200).end(m[2]), (e) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  const port = (control.address() as { port: number }).port;

  project.provide('kubeconfig', controlPlane.kubeconfig);
  project.provide('stateDir', stateDir);
  project.provide('nodes', nodes.map((n) => ({ name: n.name, zone: n.zone, ip: n.ip })));
  project.provide('nodeControlUrl', `http://127.0.0.1:${port}`);

  return async () => {
    control.close();
    await teardown();
    printFigures(stateDir);
  };
}

async function waitUntil(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      if (await probe()) return;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
      if (last.includes('exited (')) throw e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
