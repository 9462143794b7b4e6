// A long-running node process (containerd, kubelet, kube-proxy, the policy enforcer): started inside a node's
// network namespace and the machine's own mount namespace, logged to a file, stopped by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Daemon {
  private child?: ChildProcess;
  private exited = Promise.resolve();
  /** Set once the process has exited, with how. */
  public exitInfo?: string;

  constructor(
    public readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly opts: { netns: string; logFile: string; env?: NodeJS.ProcessEnv; log: (line: string) => void },
  ) {}

  get pid(): number | undefined {
    return this.exitInfo === undefined ? this.child?.pid : undefined;
  }

  /**
   * `nsenter` execs the command, so the pid is the daemon's. It changes only the network namespace: the suite runs
   * in the machine's mount namespace (e2e/nodes/run.sh enters its namespace with nsenter, not `ip netns exec`, whose
   * fresh /sys would hide the cgroup mounts kubelet and runc need).
   */
  start(): void {
    const fd = openSync(this.opts.logFile, 'a');
    this.exitInfo = undefined;
    this.child = spawn('nsenter', [`--net=/run/netns/${this.opts.netns}`, '--', this.command, ...this.args], {
      stdio: ['ignore', fd, fd],
      env: this.opts.env ?? process.env,
    });
    closeSync(fd);
    const child = this.child;
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = signal ? `signal ${signal}` : `exit ${code}`;
        this.opts.log(`${this.name} (pid ${child.pid}) exited: ${this.exitInfo}`);
        resolve();
      });
      child.on('error', (e) => {
        this.exitInfo = `spawn error ${e.message}`;
        resolve();
      });
    });
    this.opts.log(`${this.name} started, pid ${child.pid}`);
  }

  /** A message when the process is gone (for waits that should stop early), else undefined. */
  deadReason(): string | undefined {
    if (this.exitInfo === undefined) return undefined;
    let tail = '';
    try {
      tail = readFileSync(this.opts.logFile, 'utf-8').trimEnd().split('\n').slice(-15).join('\n');
    } catch { /* no log */ }
    return `${this.name} exited (${this.exitInfo}); last log lines:\n${tail}`;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return;
    try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut && this.exitInfo === undefined) {
      this.opts.log(`${this.name} (pid ${pid}) ignored SIGTERM for ${graceMs} ms: SIGKILL`);
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      await this.exited;
    }
  }
}
