/**
 * Helper of e2e/nodes/smoke.sh: starts the real control plane (e2e/harness/control-plane.ts, no KWOK: the smoke's
 * kubelet registers itself) inside the smoke's network namespace, writes <stateDir>/ready.env once it serves, and
 * stops it on SIGTERM/SIGINT.
 *   tsx e2e/nodes/smoke-controlplane.ts <stateDir> <apiServerIP> <nodeName>
 * ready.env: ADMIN_KUBECONFIG, NODE_KUBECONFIG (system:node:<nodeName>), PROXY_KUBECONFIG (system:kube-proxy), CA_FILE.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { startControlPlane } from '../harness/control-plane.js';

const [stateDir, apiServerIP, nodeName] = process.argv.slice(2);
if (!stateDir || !apiServerIP || !nodeName) {
  console.error('usage: smoke-controlplane.ts <stateDir> <apiServerIP> <nodeName>');
  process.exit(2);
}
async function main(): Promise<void> {
  const cp = await startControlPlane({ stateDir, apiServerIP, log: (s) => console.log(s) });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await cp.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  const nodeKubeconfig = await cp.clientKubeconfig(`system:node:${nodeName}`, ['system:nodes']);
  const proxyKubeconfig = await cp.clientKubeconfig('system:kube-proxy', []);
  await writeFile(path.join(stateDir, 'ready.env'), [
    `ADMIN_KUBECONFIG=${cp.kubeconfig}`,
    `NODE_KUBECONFIG=${nodeKubeconfig}`,
    `PROXY_KUBECONFIG=${proxyKubeconfig}`,
    `CA_FILE=${cp.caFile}`,
    '',
  ].join('\n'));
  console.log(`[smoke-controlplane] ready in ${Object.values(cp.timings).pop()} ms`);
  setInterval(() => undefined, 1 << 30);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
