// A real Prometheus (built from the Prometheus Go module by e2e/nodes/build.sh) run by a scenario in the suite's
// network namespace: it discovers targets through the control plane's API (kubernetes_sd with the admin
// kubeconfig), scrapes pod addresses, evaluates the rules it is given, and answers on loopback. Stopped by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PromSample { metric: Record<string, string>; value: [number, string] }
export interface PromAlert { labels: Record<string, string>; state: 'pending' | 'firing'; activeAt: string }

export class Prometheus {
  private constructor(private readonly child: ChildProcess, private readonly url: string, readonly logFile: string) {}

  /** Starts Prometheus on 127.0.0.1:`port` with `scrapeConfigs` and `rules` (a rules file), data under `dir`. */
  static async start(opts: { dir: string; port: number; scrapeConfigs: unknown[]; rules: string; evaluationSeconds: number }): Promise<Prometheus> {
    const binary = process.env.PROMETHEUS;
    if (!binary || !fs.existsSync(binary)) throw new Error(`no Prometheus binary at PROMETHEUS=${binary} (e2e/nodes/run.sh exports it)`);
    fs.mkdirSync(path.join(opts.dir, 'data'), { recursive: true });
    fs.writeFileSync(path.join(opts.dir, 'rules.yaml'), opts.rules);
    const config = {
      global: { scrape_interval: `${opts.evaluationSeconds}s`, evaluation_interval: `${opts.evaluationSeconds}s` },
      rule_files: [path.join(opts.dir, 'rules.yaml')],
      scrape_configs: opts.scrapeConfigs,
    };
    // JSON is YAML: Prometheus reads it as written
    fs.writeFileSync(path.join(opts.dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
    const logFile = path.join(opts.dir, 'prometheus.log');
    const fd = fs.openSync(logFile, 'a');
    const child = spawn(binary, [
      `--config.file=${path.join(opts.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(opts.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${opts.port}`,
    ], { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const prom = new Prometheus(child, `http://127.0.0.1:${opts.port}`, logFile);
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}:\n${fs.readFileSync(logFile, 'utf-8').slice(-3000)}`);
      try {
        if ((await fetch(`${prom.url}/-/ready`)).ok) return prom;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 500));
    }
    await prom.stop();
    throw new Error(`prometheus not ready in 60 s:\n${fs.readFileSync(logFile, 'utf-8').slice(-3000)}`);
  }

  private async api<T>(pathAndQuery: string): Promise<T> {
    const res = await fetch(`${this.url}${pathAndQuery}`);
    const body = await res.json() as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${pathAndQuery}: ${body.error}`);
    return body.data;
  }

  /** An instant query's series. */
  async query(expr: string): Promise<PromSample[]> {
    return (await this.api<{ result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result;
  }

  /** The series of a range query over the last `seconds`, one point every `stepSeconds`. */
  async queryRange(expr: string, seconds: number, stepSeconds: number): Promise<Array<{ metric: Record<string, string>; values: Array<[number, string]> }>> {
    const end = Date.now() / 1000;
    return (await this.api<{ result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(
      `/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${end - seconds}&end=${end}&step=${stepSeconds}`)).result;
  }

  /** The alerts now pending or firing. */
  async alerts(): Promise<PromAlert[]> {
    return (await this.api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts;
  }

  /** The scrape targets' health, by pod. */
  async targets(): Promise<Array<{ pod: string; health: string; lastError: string }>> {
    const data = await this.api<{ activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> }>('/api/v1/targets?state=active');
    return data.activeTargets.map((t) => ({ pod: t.labels.pod, health: t.health, lastError: t.lastError }));
  }

  /** SIGTERM, then SIGKILL if it has not exited within 10 s; resolves once it has exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null || !this.child.pid) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
