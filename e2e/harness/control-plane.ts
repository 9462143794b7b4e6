/**
 * A real Kubernetes control plane for the e2e tests: etcd, kube-apiserver, kube-controller-manager, kube-scheduler
 * (real binaries built by e2e/controlplane/build.sh). The nodes are real kubelets that register themselves
 * (e2e/harness/).
 *
 * Meant to run INSIDE a network namespace the caller created (e2e/nodes/run.sh): etcd listens on 127.0.0.1 of the
 * namespace, kube-apiserver on 0.0.0.0:443 and advertises `apiServerIP` (the nodes' gateway), which the
 * `kubernetes` Service's endpoints then name, so pods reach it as https://kubernetes.default.svc.cluster.local.
 *
 * Identities: admin (CN=kubernetes-admin, O=system:masters) is used by the harness and kubectl();
 * kube-controller-manager and kube-scheduler get their own certs (system:kube-controller-manager,
 * system:kube-scheduler) so the bootstrap RBAC applies to them as in a kubeadm cluster, and the controller manager
 * runs with --use-service-account-credentials.
 *
 * Only node: built-ins; works under tsx/vitest as ESM or CJS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as https from 'node:https';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

export type Component = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler';
const COMPONENTS: Component[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

export interface ControlPlaneOptions {
  /** Directory for certs, kubeconfigs, etcd data and the logs/ of every component. Created if missing. */
  stateDir: string;
  /** Directory holding all five binaries side by side. Default: the build cache of e2e/controlplane/build.sh. */
  binDir?: string;
  /** Per-binary override (wins over binDir). */
  binaries?: Partial<Record<Component, string>>;
  /** kubectl binary used by kubectl(). Default 'kubectl'. */
  kubectlBinary?: string;
  log?: (s: string) => void;
  /** Address the API server advertises (it must be on an interface of the namespace). Default 10.244.0.1. */
  apiServerIP?: string;
  /** An IPv6 range beside `serviceCIDR` (dual stack, IPv4 first), e.g. fd00:10:96::/112. Default none. */
  serviceCIDR6?: string;
  /** Default 10.96.0.0/16 (the `kubernetes` Service gets 10.96.0.1). */
  serviceCIDR?: string;
  /** Timeout of each wait step. Default 120 s. */
  stepTimeoutMs?: number;
  /** Extra flags per component, appended last. */
  extraArgs?: Partial<Record<Component, string[]>>;
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface KubectlOptions {
  /** Written to stdin. */
  input?: string;
  /** Reject when the exit code is not 0 (default false). */
  check?: boolean;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ControlPlane {
  stateDir: string;
  /** Admin kubeconfig (system:masters), server https://<apiServerIP> (port 443). */
  kubeconfig: string;
  apiServerIP: string;
  /** https://<apiServerIP> */
  apiServerURL: string;
  /** CA that signed the API server's serving cert (the content of a pod's ca.crt). */
  caFile: string;
  /** Service-account issuer (also the default token audience). */
  serviceAccountIssuer: string;
  binaries: Record<Component, string>;
  /** Log file per component. */
  logs: Record<Component, string>;
  /** Pid per component (while running). */
  pids: Partial<Record<Component, number>>;
  /** ms since startControlPlane() was called, per step: certs, etcd, kube-apiserver, ..., ready. */
  timings: Record<string, number>;
  /**
   * Writes a kubeconfig for a client certificate the cluster CA signs (CN=user, O=each group): how a kubelet
   * (`system:node:<name>`, group `system:nodes`) or kube-proxy authenticates. Returns its path.
   */
  clientKubeconfig(user: string, groups: string[]): Promise<string>;
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** SIGTERM every process started (scheduler, controller-manager, then apiserver, then etcd), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// helpers

function run(
  cmd: string,
  args: string[],
  opts: { input?: string; cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) {
      timer = setTimeout(() => {
        stderr += `\n[harness] ${cmd} timed out after ${opts.timeoutMs} ms, killing pid ${child.pid}`;
        child.kill('SIGKILL');
      }, opts.timeoutMs);
    }
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? (signal ? 128 : 1) });
    });
    child.stdin.on('error', () => undefined);
    // The child may exit before it reads stdin (EPIPE): its exit code, not the pipe, tells the outcome.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

async function runOk(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<string> {
  const r = await run(cmd, args, { ...opts, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined | false>,
  alive?: () => string | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    const dead = alive?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastErr = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${lastErr}` : ''}`);
    await sleep(delay);
  }
}

function httpGet(
  url: string,
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; insecure?: boolean },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.get(
      u,
      {
        timeout: 5000,
        ...(u.protocol === 'https:'
          ? { ca: tls?.ca, cert: tls?.cert, key: tls?.key, rejectUnauthorized: !tls?.insecure, agent: false }
          : { agent: false }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

function parseEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].trim().replace(/^["']|["']$/g, '');
  }
  return out;
}

/** e2e/controlplane/versions.env: via HZ_E2E_VERSIONS_FILE, next to this module, or upwards from the cwd. */
function findVersionsFile(): string {
  const candidates: string[] = [];
  if (process.env.HZ_E2E_VERSIONS_FILE) candidates.push(process.env.HZ_E2E_VERSIONS_FILE);
  // __dirname exists under CJS (and tsx's CJS mode); under ESM typeof guards against the ReferenceError.
  if (typeof __dirname !== 'undefined') candidates.push(path.resolve(__dirname, '..', 'controlplane', 'versions.env'));
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'e2e', 'controlplane', 'versions.env'));
    if (path.dirname(dir) === dir) break;
  }
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`versions.env not found (looked at ${candidates.join(', ')}); set HZ_E2E_VERSIONS_FILE or binDir`);
  return found;
}

/** The cache directory of build.sh. */
export function e2eCacheDir(): string {
  return (
    process.env.HZ_E2E_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'hazelcast-k8s-e2e')
  );
}

/** Paths of the binaries: opts.binaries > opts.binDir > build cache keyed by versions.env. */
export function resolveBinaries(opts: Pick<ControlPlaneOptions, 'binDir' | 'binaries'> = {}): Record<Component, string> {
  const result = {} as Record<Component, string>;
  let versions: Record<string, string> | undefined;
  for (const c of COMPONENTS) {
    let p = opts.binaries?.[c];
    if (!p && opts.binDir) p = path.join(opts.binDir, c);
    if (!p) {
      versions ??= parseEnvFile(findVersionsFile());
      const v = c === 'etcd' ? versions.ETCD_VERSION : versions.K8S_VERSION;
      p = path.join(e2eCacheDir(), 'bin', `${c}-${v}`, c);
    }
    if (!existsSync(p)) throw new Error(`${c} binary not found at ${p}: run e2e/controlplane/build.sh`);
    result[c] = p;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// PKI

interface Pki {
  caCrt: string;
  caKey: string;
  apiserverCrt: string;
  apiserverKey: string;
  saKey: string;
  saPub: string;
  clients: Record<'admin' | 'kcm' | 'scheduler', { crt: string; key: string }>;
}

const CLIENT_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n';

/** Signs `<name>.key` (in `dir`, next to ca.crt/ca.key) into `<name>.crt` for `subj` with the extensions `ext`. */
async function signCert(dir: string, name: string, subj: string, ext: string): Promise<void> {
  const f = (n: string) => path.join(dir, n);
  await writeFile(f(`${name}.ext`), ext);
  await runOk('openssl', ['req', '-new', '-key', f(`${name}.key`), '-subj', subj, '-out', f(`${name}.csr`)]);
  await runOk('openssl', [
    'x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-set_serial',
    `0x${Buffer.from(name).toString('hex')}${Date.now().toString(16)}`, '-sha256', '-days', '3650',
    '-extfile', f(`${name}.ext`), '-out', f(`${name}.crt`),
  ]);
}

/** A new key and a client certificate for `subj`, signed by the CA in `dir`. */
async function issueClientCert(dir: string, name: string, subj: string): Promise<void> {
  await runOk('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', path.join(dir, `${name}.key`)]);
  await signCert(dir, name, subj, CLIENT_EXT);
}

async function makePki(dir: string, apiServerIP: string, kubernetesServiceIP: string): Promise<Pki> {
  await mkdir(dir, { recursive: true });
  const f = (n: string) => path.join(dir, n);
  const genKey = (name: string) => runOk('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f(name)]);

  await Promise.all([genKey('ca.key'), genKey('apiserver.key'), genKey('sa.key'), genKey('admin.key'), genKey('kcm.key'), genKey('scheduler.key')]);
  await runOk('openssl', ['pkey', '-in', f('sa.key'), '-pubout', '-out', f('sa.pub')]);
  await runOk('openssl', [
    'req', '-x509', '-new', '-key', f('ca.key'), '-sha256', '-days', '3650', '-subj', '/CN=hazelcast-e2e-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    '-out', f('ca.crt'),
  ]);

  const sign = (name: string, subj: string, ext: string) => signCert(dir, name, subj, ext);
  const sans = [
    'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local',
    'DNS:localhost', `IP:${kubernetesServiceIP}`, `IP:${apiServerIP}`, 'IP:127.0.0.1',
  ];
  await Promise.all([
    sign('apiserver', '/CN=kube-apiserver',
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans.join(',')}\n`),
    sign('admin', '/O=system:masters/CN=kubernetes-admin', CLIENT_EXT),
    sign('kcm', '/CN=system:kube-controller-manager', CLIENT_EXT),
    sign('scheduler', '/CN=system:kube-scheduler', CLIENT_EXT),
  ]);
  return {
    caCrt: f('ca.crt'), caKey: f('ca.key'), apiserverCrt: f('apiserver.crt'), apiserverKey: f('apiserver.key'),
    saKey: f('sa.key'), saPub: f('sa.pub'),
    clients: {
      admin: { crt: f('admin.crt'), key: f('admin.key') },
      kcm: { crt: f('kcm.crt'), key: f('kcm.key') },
      scheduler: { crt: f('scheduler.crt'), key: f('scheduler.key') },
    },
  };
}

async function writeKubeconfig(file: string, server: string, caFile: string, user: string, crt: string, key: string) {
  const b64 = async (p: string) => (await readFile(p)).toString('base64');
  await writeFile(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: hazelcast-e2e
  cluster:
    server: ${server}
    certificate-authority-data: ${await b64(caFile)}
users:
- name: ${user}
  user:
    client-certificate-data: ${await b64(crt)}
    client-key-data: ${await b64(key)}
contexts:
- name: ${user}@hazelcast-e2e
  context:
    cluster: hazelcast-e2e
    user: ${user}
current-context: ${user}@hazelcast-e2e
`,
    { mode: 0o600 },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// the control plane

interface Proc {
  name: Component;
  child: ChildProcess;
  exited: boolean;
  exitInfo?: string;
  exitPromise: Promise<void>;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const t0 = Date.now();
  const log = opts.log ?? (() => undefined);
  const stateDir = path.resolve(opts.stateDir);
  const apiServerIP = opts.apiServerIP ?? '10.244.0.1';
  const serviceCIDR = opts.serviceCIDR ?? '10.96.0.0/16';
  // the IPv4 range first: the `kubernetes` Service and every SingleStack Service stay IPv4; IPv6 Services are asked for
  const serviceCIDRs = opts.serviceCIDR6 ? `${serviceCIDR},${opts.serviceCIDR6}` : serviceCIDR;
  const stepTimeout = opts.stepTimeoutMs ?? 120_000;
  const kubectlBin = opts.kubectlBinary ?? 'kubectl';
  const timings: Record<string, number> = {};
  const mark = (step: string) => {
    timings[step] = Date.now() - t0;
    log(`[control-plane] ${step} after ${timings[step]} ms`);
  };

  const binaries = resolveBinaries(opts);
  const logDir = path.join(stateDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const logs = Object.fromEntries(COMPONENTS.map((c) => [c, path.join(logDir, `${c}.log`)])) as Record<Component, string>;

  const svcBase = serviceCIDR.split('/')[0].split('.').map(Number);
  const kubernetesServiceIP = [svcBase[0], svcBase[1], svcBase[2], svcBase[3] + 1].join('.');
  const apiServerURL = `https://${apiServerIP}`;
  const serviceAccountIssuer = 'https://kubernetes.default.svc.cluster.local';

  const procs: Proc[] = [];
  const pids: Partial<Record<Component, number>> = {};
  let stopped = false;

  const killAllSync = () => {
    for (const p of procs) if (!p.exited && p.child.pid) try { process.kill(p.child.pid, 'SIGKILL'); } catch { /* gone */ }
  };
  // Safety net: if the node process exits without stop(), do not leave the control plane behind.
  process.once('exit', killAllSync);

  const stopProc = async (p: Proc, graceMs: number) => {
    if (p.exited || !p.child.pid) return;
    try { process.kill(p.child.pid, 'SIGTERM'); } catch { /* gone */ }
    const killed = await Promise.race([p.exitPromise.then(() => false), sleep(graceMs).then(() => true)]);
    if (killed && !p.exited) {
      log(`[control-plane] ${p.name} (pid ${p.child.pid}) ignored SIGTERM for ${graceMs} ms, SIGKILL`);
      try { process.kill(p.child.pid, 'SIGKILL'); } catch { /* gone */ }
      await p.exitPromise;
    }
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const byName = (n: Component) => procs.filter((p) => p.name === n);
    await Promise.all(
      [...byName('kube-scheduler'), ...byName('kube-controller-manager')].map((p) => stopProc(p, 10_000)),
    );
    for (const p of byName('kube-apiserver')) await stopProc(p, 15_000);
    for (const p of byName('etcd')) await stopProc(p, 10_000);
    process.removeListener('exit', killAllSync);
    log(`[control-plane] stopped (${procs.map((p) => `${p.name}: ${p.exitInfo}`).join(', ')})`);
  };

  const start = (name: Component, args: string[]): Proc => {
    const fd = openSync(logs[name], 'a');
    const fullArgs = [...args, ...(opts.extraArgs?.[name] ?? [])];
    log(`[control-plane] starting ${name}`);
    const child = spawn(binaries[name], fullArgs, { stdio: ['ignore', fd, fd], cwd: stateDir });
    closeSync(fd);
    const p: Proc = { name, child, exited: false, exitPromise: Promise.resolve() };
    p.exitPromise = new Promise<void>((resolve) => {
      child.on('exit', (code, signal) => {
        p.exited = true;
        p.exitInfo = signal ? `signal ${signal}` : `exit ${code}`;
        delete pids[name];
        if (!stopped) log(`[control-plane] ${name} exited unexpectedly (${p.exitInfo}); see ${logs[name]}`);
        resolve();
      });
      child.on('error', (e) => {
        p.exited = true;
        p.exitInfo = `spawn error ${e.message}`;
        resolve();
      });
    });
    if (child.pid) pids[name] = child.pid;
    procs.push(p);
    return p;
  };
  const aliveCheck = (p: Proc) => () =>
    p.exited ? `${p.name} exited (${p.exitInfo}); last log lines:\n${tail(logs[p.name])}` : undefined;

  const kubectl = (args: string[], kopts: KubectlOptions = {}): Promise<KubectlResult> =>
    run(kubectlBin, ['--kubeconfig', kubeconfig, ...args], {
      input: kopts.input,
      timeoutMs: kopts.timeoutMs ?? 60_000,
      env: kopts.env,
    }).then((r) => {
      if (kopts.check && r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r;
    });

  const kubeconfig = path.join(stateDir, 'admin.kubeconfig');
  try {
    // --- PKI and kubeconfigs
    const pki = await makePki(path.join(stateDir, 'pki'), apiServerIP, kubernetesServiceIP);
    const kcmKubeconfig = path.join(stateDir, 'controller-manager.kubeconfig');
    const schedKubeconfig = path.join(stateDir, 'scheduler.kubeconfig');
    await Promise.all([
      writeKubeconfig(kubeconfig, apiServerURL, pki.caCrt, 'kubernetes-admin', pki.clients.admin.crt, pki.clients.admin.key),
      writeKubeconfig(kcmKubeconfig, apiServerURL, pki.caCrt, 'system:kube-controller-manager', pki.clients.kcm.crt, pki.clients.kcm.key),
      writeKubeconfig(schedKubeconfig, apiServerURL, pki.caCrt, 'system:kube-scheduler', pki.clients.scheduler.crt, pki.clients.scheduler.key),
    ]);
    mark('certs');

    // --- etcd (loopback of the namespace; fsync off: test data only)
    const etcd = start('etcd', [
      '--name=default',
      `--data-dir=${path.join(stateDir, 'etcd')}`,
      '--listen-client-urls=http://127.0.0.1:2379',
      '--advertise-client-urls=http://127.0.0.1:2379',
      '--listen-peer-urls=http://127.0.0.1:2380',
      '--initial-advertise-peer-urls=http://127.0.0.1:2380',
      '--initial-cluster=default=http://127.0.0.1:2380',
      '--listen-metrics-urls=http://127.0.0.1:2381',
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ]);
    await waitFor('etcd /health', stepTimeout, async () => {
      const r = await httpGet('http://127.0.0.1:2381/health');
      return r.status === 200 && r.body.includes('"health":"true"');
    }, aliveCheck(etcd));
    mark('etcd');

    // --- kube-apiserver
    const apiserver = start('kube-apiserver', [
      '--etcd-servers=http://127.0.0.1:2379',
      `--advertise-address=${apiServerIP}`,
      '--bind-address=0.0.0.0',
      '--secure-port=443',
      `--tls-cert-file=${pki.apiserverCrt}`,
      `--tls-private-key-file=${pki.apiserverKey}`,
      `--client-ca-file=${pki.caCrt}`,
      // front-proxy settings as kubeadm has them (no aggregated API servers here; the same CA, restricted to
      // CN=front-proxy-client), so the controller-manager/scheduler delegated authn finds a request-header CA
      `--requestheader-client-ca-file=${pki.caCrt}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--service-account-issuer=${serviceAccountIssuer}`,
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      `--service-cluster-ip-range=${serviceCIDRs}`,
      '--authorization-mode=Node,RBAC',
      // how the API server reaches real kubelets (logs, exec): as the admin identity, by the Node's InternalIP
      `--kubelet-client-certificate=${pki.clients.admin.crt}`,
      `--kubelet-client-key=${pki.clients.admin.key}`,
      '--kubelet-preferred-address-types=InternalIP',
      // default plugins (incl. ServiceAccount, PodSecurity, DefaultTolerationSeconds, ...) plus NodeRestriction like kubeadm
      '--enable-admission-plugins=NodeRestriction',
      '--allow-privileged=true',
      '--profiling=false',
      '--v=1',
    ]);
    const ca = await readFile(pki.caCrt);
    const adminCert = await readFile(pki.clients.admin.crt);
    const adminKey = await readFile(pki.clients.admin.key);
    await waitFor('kube-apiserver /readyz', stepTimeout, async () => {
      const r = await httpGet(`${apiServerURL}/readyz`, { ca, cert: adminCert, key: adminKey });
      if (r.status !== 200) throw new Error(`readyz ${r.status}: ${r.body.slice(0, 500)}`);
      return true;
    }, aliveCheck(apiserver));
    mark('kube-apiserver');

    // --- kube-controller-manager and kube-scheduler
    const kcm = start('kube-controller-manager', [
      `--kubeconfig=${kcmKubeconfig}`,
      `--authentication-kubeconfig=${kcmKubeconfig}`,
      `--authorization-kubeconfig=${kcmKubeconfig}`,
      '--leader-elect=false',
      '--controllers=*',
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki.saKey}`,
      `--root-ca-file=${pki.caCrt}`,
      `--cluster-signing-cert-file=${pki.caCrt}`,
      `--cluster-signing-key-file=${pki.caKey}`,
      `--service-cluster-ip-range=${serviceCIDRs}`,
      '--allocate-node-cidrs=false',
      '--bind-address=127.0.0.1',
      '--secure-port=10257',
      '--profiling=false',
      '--v=1',
    ]);
    const sched = start('kube-scheduler', [
      `--kubeconfig=${schedKubeconfig}`,
      `--authentication-kubeconfig=${schedKubeconfig}`,
      `--authorization-kubeconfig=${schedKubeconfig}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      '--secure-port=10259',
      '--profiling=false',
      '--v=1',
    ]);

    await Promise.all([
      waitFor('kube-controller-manager /healthz', stepTimeout, async () =>
        (await httpGet('https://127.0.0.1:10257/healthz', { insecure: true })).status === 200, aliveCheck(kcm)).then(() => mark('kube-controller-manager')),
      waitFor('kube-scheduler /healthz', stepTimeout, async () =>
        (await httpGet('https://127.0.0.1:10259/healthz', { insecure: true })).status === 200, aliveCheck(sched)).then(() => mark('kube-scheduler')),
    ]);

    await waitFor('ServiceAccount default/default and ConfigMap default/kube-root-ca.crt', stepTimeout, async () => {
      const r = await kubectl(['get', '-n', 'default', 'serviceaccount/default', 'configmap/kube-root-ca.crt', '-o', 'name']);
      if (r.code !== 0) throw new Error(r.stderr);
      return true;
    }, aliveCheck(kcm));
    mark('ready');

    return {
      stateDir,
      kubeconfig,
      apiServerIP,
      apiServerURL,
      caFile: pki.caCrt,
      serviceAccountIssuer,
      binaries,
      logs,
      pids,
      timings,
      clientKubeconfig: async (user, groups) => {
        const name = `client-${user.replace(/[^a-zA-Z0-9-]/g, '-')}`;
        const subject = `${groups.map((g) => `/O=${g}`).join('')}/CN=${user}`;
        await issueClientCert(path.join(stateDir, 'pki'), name, subject);
        const file = path.join(stateDir, `${name}.kubeconfig`);
        const f = (n: string) => path.join(stateDir, 'pki', n);
        await writeKubeconfig(file, apiServerURL, pki.caCrt, user, f(`${name}.crt`), f(`${name}.key`));
        return file;
      },
      kubectl,
      stop,
    };
  } catch (e) {
    log(`[control-plane] start failed: ${e instanceof Error ? e.message : String(e)}; stopping what was started`);
    await stop();
    throw e;
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
