// Starts what a cluster would have before anyone runs `kubectl apply`: the control plane (real binaries, KWOK as
// the fake node's kubelet), the member runner (starts a real Hazelcast JVM per pod scheduled to the fake node) and
// the readiness prober. Runs once in vitest's main process, inside the network namespace e2e/run.sh made; the
// scenarios reach it through the values provided below. Teardown stops every member and component by pid.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startControlPlane } from './control-plane';
import { kubectlFromKubeconfig, PodRunner } from './member-runner';
import { ReadinessProber } from './readiness-prober';
import { printFigures, recordFigure } from './figures';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    stateDir: string;
    runnerLogDir: string;
    pidDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = process.env.E2E_STATE_DIR;
  const jarPath = process.env.E2E_JAR;
  if (!stateDir || !jarPath) throw new Error('run the e2e tests through e2e/run.sh (it sets E2E_STATE_DIR and E2E_JAR)');
  const log = (line: string) => fs.appendFileSync(path.join(stateDir, 'harness.log'), `${new Date().toISOString()} ${line}\n`);
  fs.mkdirSync(stateDir, { recursive: true });

  const controlPlane = await startControlPlane({
    stateDir: path.join(stateDir, 'control-plane'),
    podReadiness: 'external',
    log,
  });
  recordFigure(stateDir, 'control plane start (certificates to node Ready)', controlPlane.timings.ready);

  const kubectl = kubectlFromKubeconfig(controlPlane.kubeconfig);
  const workDir = path.join(stateDir, 'members');
  const pidDir = path.join(stateDir, 'pids');
  fs.mkdirSync(pidDir, { recursive: true });
  const runner = new PodRunner({
    kubectl,
    nodeName: controlPlane.nodeNames[0],
    jarPath,
    workDir,
    apiServerIP: controlPlane.apiServerIP,
    caPem: fs.readFileSync(controlPlane.caFile, 'utf-8'),
    onEvent: (e) => {
      log(`runner ${e.type} ${e.pod} ${e.message}`);
      // The scenarios run in worker processes: they find a member's JVM pid here (to kill it like a crash).
      const match = /^pid (\d+)/.exec(e.message);
      const pidFile = path.join(pidDir, e.pod.replace('/', '_'));
      if (e.type === 'started' && match) fs.writeFileSync(pidFile, match[1]);
      if (e.type === 'exited') fs.rmSync(pidFile, { force: true });
    },
  });
  runner.start();
  const prober = new ReadinessProber(() => runner.members(), kubectl, (line) => log(`prober ${line}`));
  prober.start();

  project.provide('kubeconfig', controlPlane.kubeconfig);
  project.provide('stateDir', stateDir);
  project.provide('runnerLogDir', path.join(workDir, 'logs'));
  project.provide('pidDir', pidDir);

  return async () => {
    prober.stop();
    await runner.shutdown(5);
    await controlPlane.stop();
    printFigures(stateDir);
  };
}
