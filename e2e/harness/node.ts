// One real Kubernetes node: containerd (with runc and the CNI bridge plugins) and a kubelet registered with the
// control plane, kube-proxy, and kube-router's NetworkPolicy controller enforcing NetworkPolicies, all in the node's own network
// namespace with their own state directory and cgroup root. The harness only lays out config files, starts,
// waits and stops; every behaviour is the real components'.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Daemon } from './daemon';
import type { NodeAddress } from './network';

/** Paths of the node binaries and images: what e2e/nodes/build.sh and e2e/image/build.sh print with --print-env. */
export interface NodeBinaries {
  KUBELET: string;
  KUBE_PROXY: string;
  CONTAINERD: string;
  CONTAINERD_SHIM: string;
  CTR: string;
  RUNC: string;
  CNI_BIN_DIR: string;
  KUBE_ROUTER: string;
  PAUSE_IMAGE: string;
}

export function nodeBinariesFromEnv(): NodeBinaries {
  const keys: (keyof NodeBinaries)[] = ['KUBELET', 'KUBE_PROXY', 'CONTAINERD', 'CONTAINERD_SHIM', 'CTR', 'RUNC', 'CNI_BIN_DIR',
    'KUBE_ROUTER', 'PAUSE_IMAGE'];
  const missing = keys.filter((k) => !process.env[k]);
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run the suite through e2e/nodes/run.sh`);
  return Object.fromEntries(keys.map((k) => [k, process.env[k]!])) as unknown as NodeBinaries;
}

/** The cgroup v1 hierarchies this machine mounts; kubelet wants its cgroupRoot in each. */
const execFileAsync = promisify(execFile);

const CGROUP_V1 = ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'blkio', 'devices', 'freezer', 'systemd', 'hugetlb', 'net_cls', 'net_prio', 'perf_event'];

export interface NodeOptions {
  address: NodeAddress;
  /** Per-node directory for config, state and logs. */
  dir: string;
  /** Unique per run: the node's cgroup root is /<runId>-<node>. */
  runId: string;
  binaries: NodeBinaries;
  kubeletKubeconfig: string;
  proxyKubeconfig: string;
  /** kubeconfig with the token of the policy enforcer's ServiceAccount. */
  policyKubeconfig: string;
  caFile: string;
  clusterDNS: string;
  clusterCIDR: string;
  log: (line: string) => void;
}

export class KubeNode {
  readonly name: string;
  readonly cgroupRoot: string;
  private readonly containerd: Daemon;
  private readonly kubelet: Daemon;
  private readonly proxy: Daemon;
  private readonly policies: Daemon;
  private readonly socket: string;

  constructor(private readonly o: NodeOptions) {
    this.name = o.address.name;
    this.cgroupRoot = `/${o.runId}-${this.name}`;
    this.socket = path.join(o.dir, 'containerd', 'containerd.sock');
    const logs = path.join(o.dir, 'logs');
    fs.mkdirSync(logs, { recursive: true });
    const daemon = (name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv) =>
      new Daemon(`${this.name}/${name}`, cmd, args, { netns: o.address.netns, logFile: path.join(logs, `${name}.log`), env, log: o.log });
    const pathEnv = { ...process.env, PATH: `${path.dirname(o.binaries.CONTAINERD_SHIM)}:${path.dirname(o.binaries.RUNC)}:${process.env.PATH}` };
    this.containerd = daemon('containerd', o.binaries.CONTAINERD, ['--config', this.writeContainerdConfig()], pathEnv);
    this.kubelet = daemon('kubelet', o.binaries.KUBELET, [
      `--config=${this.writeKubeletConfig()}`,
      `--kubeconfig=${o.kubeletKubeconfig}`,
      `--root-dir=${path.join(o.dir, 'kubelet')}`,
      `--hostname-override=${this.name}`,
      `--node-ip=${o.address.ip},${o.address.ip6}`,
      `--node-labels=topology.kubernetes.io/zone=${o.address.zone}`,
      '--v=1',
    ], pathEnv);
    this.proxy = daemon('kube-proxy', o.binaries.KUBE_PROXY, [`--config=${this.writeProxyConfig()}`, '--v=1']);
    // kube-router with only its NetworkPolicy controller (no routing, no service proxy, no CNI): iptables + ipset.
    // kube-network-policies cannot run on this kernel (no nftables `queue` expression; see e2e/README.md).
    this.policies = daemon('kube-router', o.binaries.KUBE_ROUTER, [
      `--kubeconfig=${o.policyKubeconfig}`, `--hostname-override=${this.name}`,
      '--run-firewall=true', '--run-router=false', '--run-service-proxy=false', '--enable-cni=false', '--enable-pod-egress=false',
      '--health-port=0', '--metrics-port=0', '--iptables-sync-period=1m', '--v=1',
    ]);
  }

  get ip(): string {
    return this.o.address.ip;
  }

  get zone(): string {
    return this.o.address.zone;
  }

  /** Processes that must stay up; a message when one is gone. */
  deadReason(): string | undefined {
    return [this.containerd, this.kubelet, this.proxy, this.policies].map((d) => d.deadReason()).find(Boolean);
  }

  private writeContainerdConfig(): string {
    const dir = path.join(this.o.dir, 'containerd');
    const cniConfDir = path.join(dir, 'cni');
    fs.mkdirSync(cniConfDir, { recursive: true });
    fs.writeFileSync(path.join(cniConfDir, '10-bridge.conflist'), JSON.stringify({
      cniVersion: '1.0.0',
      name: 'hz-e2e',
      plugins: [
        {
          type: 'bridge', bridge: 'cni0', isGateway: true, ipMasq: false, hairpinMode: true,
          // dual stack, IPv4 first: the pod's IPv4 address is its primary (status.podIP)
          ipam: {
            type: 'host-local', ranges: [[{ subnet: this.o.address.podCIDR }], [{ subnet: this.o.address.podCIDR6 }]],
            routes: [{ dst: '0.0.0.0/0' }, { dst: '::/0' }], dataDir: path.join(dir, 'ipam'),
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    }, null, 2));
    // the same template as e2e/nodes/smoke.sh: one place decides the node's containerd settings
    const template = fs.readFileSync(path.join(__dirname, '..', 'nodes', 'containerd-config.toml.tmpl'), 'utf-8');
    const values: Record<string, string> = {
      ROOT: path.join(dir, 'root'), STATE: path.join(dir, 'state'), ADDRESS: this.socket, RUNC: this.o.binaries.RUNC,
      CNI_BIN_DIR: this.o.binaries.CNI_BIN_DIR, CNI_CONF_DIR: cniConfDir, PAUSE_IMAGE: this.o.binaries.PAUSE_IMAGE,
    };
    const file = path.join(dir, 'config.toml');
    fs.writeFileSync(file, template.replace(/@@([A-Z_]+)@@/g, (_, key: string) => {
      if (!(key in values)) throw new Error(`containerd-config.toml.tmpl: unknown placeholder @@${key}@@`);
      return values[key];
    }));
    return file;
  }

  private writeKubeletConfig(): string {
    const dir = path.join(this.o.dir, 'kubelet-config');
    fs.mkdirSync(dir, { recursive: true });
    const resolv = path.join(dir, 'resolv.conf');
    fs.writeFileSync(resolv, ''); // no upstream resolver: CoreDNS answers cluster names only
    const file = path.join(dir, 'kubelet.yaml');
    fs.writeFileSync(file, JSON.stringify({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      failCgroupV1: false, // this machine mounts cgroup v1
      cgroupDriver: 'cgroupfs',
      cgroupRoot: this.cgroupRoot,
      containerRuntimeEndpoint: `unix://${this.socket}`,
      podLogsDir: path.join(this.o.dir, 'pod-logs'),
      address: this.o.address.ip,
      readOnlyPort: 0,
      healthzBindAddress: '127.0.0.1',
      authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: this.o.caFile } },
      authorization: { mode: 'AlwaysAllow' },
      clusterDomain: 'cluster.local',
      clusterDNS: [this.o.clusterDNS],
      resolvConf: resolv,
      failSwapOn: false,
      // images cannot be pulled again here: never collect them, never evict for disk pressure
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
      serializeImagePulls: false,
      nodeStatusUpdateFrequency: '5s',
      syncFrequency: '10s',
      fileCheckFrequency: '10s',
    }, null, 2));
    return file;
  }

  private writeProxyConfig(): string {
    const file = path.join(this.o.dir, 'kube-proxy.yaml');
    fs.writeFileSync(file, JSON.stringify({
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      clientConnection: { kubeconfig: this.o.proxyKubeconfig },
      hostnameOverride: this.name,
      bindAddress: '0.0.0.0',
      healthzBindAddress: '127.0.0.1:10256',
      metricsBindAddress: '127.0.0.1:10249',
      clusterCIDR: this.o.clusterCIDR,
      mode: 'nftables',
      // leave the (per-namespace) conntrack settings as they are
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
    }, null, 2));
    return file;
  }

  private createCgroupRoot(): void {
    for (const h of CGROUP_V1) {
      const parent = `/sys/fs/cgroup/${h}`;
      if (!fs.existsSync(parent)) continue;
      const dir = path.join(parent, this.cgroupRoot);
      fs.mkdirSync(dir, { recursive: true });
      if (h === 'cpuset') {
        for (const f of ['cpuset.cpus', 'cpuset.mems']) fs.writeFileSync(path.join(dir, f), fs.readFileSync(path.join(parent, f)));
      }
    }
  }

  async startRuntime(images: string[]): Promise<void> {
    this.createCgroupRoot();
    const t0 = Date.now();
    await this.startContainerd();
    await this.importImages(images);
    this.o.log(`${this.name}: containerd up, ${images.length} images imported in ${Date.now() - t0} ms`);
  }

  /** Imports OCI archives into the node's containerd (the k8s.io namespace the kubelet uses). */
  async importImages(tars: string[]): Promise<void> {
    for (const tar of tars) {
      await execFileAsync(this.o.binaries.CTR, ['--address', this.socket, '-n', 'k8s.io', 'images', 'import', '--local', tar]);
    }
  }

  private async startContainerd(): Promise<void> {
    this.containerd.start();
    const t0 = Date.now();
    for (;;) {
      const dead = this.containerd.deadReason();
      if (dead) throw new Error(dead);
      try {
        execFileSync(this.o.binaries.CTR, ['--address', this.socket, 'version'], { stdio: 'ignore', timeout: 5_000 });
        return;
      } catch { /* not serving yet */ }
      if (Date.now() - t0 > 60_000) throw new Error(`${this.name}: containerd did not serve on ${this.socket} in 60 s`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** After crash(): the node boots again with the images it had; the kubelet resyncs its pods. */
  async restart(): Promise<void> {
    await this.startContainerd();
    this.kubelet.start();
    this.startNetworkDaemons();
  }

  startKubelet(): void {
    this.kubelet.start();
  }

  startNetworkDaemons(): void {
    this.proxy.start();
    this.policies.start();
  }

  /** The node fails as a whole: its kubelet and every container on it are killed, nothing shuts down cleanly. */
  async crash(): Promise<void> {
    for (const d of [this.kubelet, this.proxy, this.policies]) await d.stop(0);
    this.killContainers();
    await this.containerd.stop(0);
  }

  /** Kills every process in the node's cgroup tree (the pods' containers and their shims). */
  private killContainers(): void {
    for (let round = 0; round < 5; round++) {
      const pids = cgroupPids(`/sys/fs/cgroup/pids${this.cgroupRoot}`);
      if (pids.length === 0) return;
      for (const pid of pids) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      execFileSync('sleep', ['0.3']);
    }
  }

  /** Stops everything this node started, by pid; unmounts and removes its state. */
  async stop(): Promise<void> {
    await Promise.all([this.kubelet.stop(5_000), this.proxy.stop(5_000), this.policies.stop(5_000)]);
    this.killContainers();
    // shims not in the cgroup tree (they run beside the pods)
    for (const pid of shimPids(this.socket)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    await this.containerd.stop(5_000);
    unmountUnder(this.o.dir);
    removeCgroupTree(this.cgroupRoot);
  }
}

function cgroupPids(dir: string): number[] {
  if (!fs.existsSync(dir)) return [];
  const out: number[] = [];
  const walk = (d: string) => {
    try {
      for (const line of fs.readFileSync(path.join(d, 'cgroup.procs'), 'utf-8').split('\n')) if (line) out.push(Number(line));
    } catch { /* gone */ }
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(dir);
  return out;
}

/** containerd-shim processes serving this node's containerd (their command line names its socket). */
function shimPids(socket: string): number[] {
  const pids: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf-8');
      if (cmd.includes('containerd-shim') && cmd.includes(socket)) pids.push(Number(e));
    } catch { /* gone */ }
  }
  return pids;
}

/** Lazily unmounts every mount below `dir` (container rootfs, pod volumes, pod netns), deepest first. */
export function unmountUnder(dir: string): void {
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf-8').split('\n')
    .map((l) => l.split(' ')[4]).filter((m) => m && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try { execFileSync('umount', ['-l', m], { stdio: 'ignore' }); } catch { /* already gone */ }
  }
}

export function removeCgroupTree(root: string): void {
  for (const h of CGROUP_V1) {
    const dir = `/sys/fs/cgroup/${h}${root}`;
    if (!fs.existsSync(dir)) continue;
    try { execFileSync('find', [dir, '-depth', '-type', 'd', '-exec', 'rmdir', '{}', '+'], { stdio: 'ignore' }); } catch { /* busy or gone */ }
  }
}
