// The kubelet's readiness prober for the fake node: runs each member container's httpGet readinessProbe
// against the pod IP, with the probe's own initialDelay/period/timeout/thresholds, and writes the result into
// the pod's status (Ready, ContainersReady, containerStatuses[].ready) as a kubelet does. KWOK is started with
// podReadiness 'external', so without this no member pod ever becomes Ready: Deployments then neither finish a
// rollout nor count members available, and the endpoints controller lists them as not ready.
//
// Departures from a kubelet: httpGet probes only (the stack uses no other kind); liveness probes are not run
// (see e2e/README.md).
import type { MemberHandle } from './member-runner';

type Kubectl = (args: string[], opts?: { input?: string; timeoutMs?: number }) => Promise<string>;

interface HttpGetProbe {
  httpGet?: { path?: string; port: number | string; scheme?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

interface ProbeState {
  nextAt: number;
  successes: number;
  failures: number;
  ready?: boolean;
  inFlight: boolean;
}

export class ReadinessProber {
  private readonly states = new Map<string, ProbeState>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly members: () => Map<string, MemberHandle[]>,
    private readonly kubectl: Kubectl,
    private readonly log: (line: string) => void = () => {},
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), 250);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private tick(): void {
    const now = Date.now();
    const live = new Set<string>();
    for (const handles of this.members().values()) {
      for (const h of handles) {
        const id = `${h.key}/${h.containerName}/${h.pid}`;
        live.add(id);
        const container = h.pod.spec.containers.find((c) => c.name === h.containerName) as { readinessProbe?: HttpGetProbe; ports?: Array<{ name?: string; containerPort: number }> } | undefined;
        const probe = container?.readinessProbe;
        let st = this.states.get(id);
        if (!st) {
          st = { nextAt: h.startedAt + (probe?.initialDelaySeconds ?? 0) * 1000, successes: 0, failures: 0, inFlight: false };
          this.states.set(id, st);
        }
        if (st.inFlight || now < st.nextAt) continue;
        if (!probe) {
          // A container without a readiness probe is ready as soon as it runs (retried until the patch lands).
          if (st.ready !== true) {
            st.inFlight = true;
            st.nextAt = now + 1000;
            void this.setReady(h, st, true).finally(() => { st!.inFlight = false; });
          }
          continue;
        }
        st.inFlight = true;
        st.nextAt = now + (probe.periodSeconds ?? 10) * 1000;
        void this.probeOnce(h, probe, container?.ports ?? []).then(async (ok) => {
          if (ok) { st!.successes++; st!.failures = 0; } else { st!.failures++; st!.successes = 0; }
          if (ok && st!.successes >= (probe.successThreshold ?? 1) && st!.ready !== true) await this.setReady(h, st!, true);
          if (!ok && st!.failures >= (probe.failureThreshold ?? 3) && st!.ready !== false) await this.setReady(h, st!, false);
        }).finally(() => { st!.inFlight = false; });
      }
    }
    for (const id of this.states.keys()) if (!live.has(id)) this.states.delete(id);
  }

  private async probeOnce(h: MemberHandle, probe: HttpGetProbe, ports: Array<{ name?: string; containerPort: number }>): Promise<boolean> {
    const get = probe.httpGet;
    if (!get) return false;
    const port = typeof get.port === 'number' ? get.port : ports.find((p) => p.name === get.port)?.containerPort;
    if (port === undefined) return false;
    try {
      const res = await fetch(`http://${h.podIP}:${port}${get.path ?? '/'}`, { signal: AbortSignal.timeout((probe.timeoutSeconds ?? 1) * 1000) });
      await res.arrayBuffer();
      return res.status >= 200 && res.status < 400;
    } catch {
      return false;
    }
  }

  private async setReady(h: MemberHandle, st: ProbeState, ready: boolean): Promise<void> {
    st.ready = ready;
    const status = ready ? 'True' : 'False';
    const now = new Date().toISOString();
    const [namespace, name] = h.key.split('/');
    try {
      // containerStatuses has no merge key: send the whole list with this container's `ready` changed.
      const current = JSON.parse(await this.kubectl(['get', 'pod', name, '-n', namespace, '-o', 'json']));
      const containerStatuses = (current.status?.containerStatuses ?? [])
        .map((c: { name: string }) => (c.name === h.containerName ? { ...c, ready } : c));
      const patch = {
        status: {
          conditions: [
            { type: 'ContainersReady', status, lastTransitionTime: now },
            { type: 'Ready', status, lastTransitionTime: now },
          ],
          containerStatuses,
        },
      };
      await this.kubectl(['patch', 'pod', name, '-n', namespace, '--subresource=status', '--type=strategic', '-p', JSON.stringify(patch)]);
      this.log(`${h.key} ready=${ready}`);
    } catch (e) {
      st.ready = undefined; // try again on the next result
      this.log(`${h.key} ready=${ready} patch failed: ${(e as Error).message}`);
    }
  }
}
