// The member's health probes on Hazelcast's health-check REST endpoints (the stack turns that endpoint group on):
// readiness on /hazelcast/health/ready, liveness and the optional startup probe on /hazelcast/health/node-state.
import { Duration } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { MEMBER_PORT_NAME } from './names';
import { checkInteger } from './validation';

/** Timings of one probe, as the Helm chart offers them; each unset one keeps the stack's default. */
export interface ProbeTimings {
  /**
   * Wait after the container starts before the first probe.
   * @default - readiness 3 s, liveness 30 s, startup 0 s
   */
  readonly initialDelay?: Duration;
  /**
   * Time between probes.
   * @default - readiness 2 s, liveness 10 s, startup 5 s
   */
  readonly period?: Duration;
  /**
   * How long one probe may take.
   * @default - readiness 2 s, liveness 10 s, startup 5 s
   */
  readonly timeout?: Duration;
  /**
   * Failed probes in a row before the member counts as not ready, is restarted, or (startup) is restarted.
   * @default - readiness 5, liveness 10, startup 60
   */
  readonly failureThreshold?: number;
}

interface Timings { initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number }

// Ready once the member has joined the cluster; alive while its node state is not shut down.
// Readiness is checked every 2 s: a member counts as up (and a rollout moves on) within 2 s of joining,
// and 5 misses (10 s, longer than a GC pause) take it out of the Service.
const READINESS: Timings = { initialDelaySeconds: 3, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 5 };
// The Helm chart's liveness timings: a member gets 30 s to start and 100 s of misses before it is restarted.
const LIVENESS: Timings = { initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 10 };
// Up to 5 minutes to start (a large heap, a slow node) before liveness takes over.
const STARTUP: Timings = { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 };

function timings(prop: string, given: ProbeTimings | undefined, defaults: Timings): Timings {
  const seconds = (key: keyof ProbeTimings, d: Duration | undefined, fallback: number, min: number) => {
    if (d === undefined) return fallback;
    const s = d.toSeconds({ integral: false });
    checkInteger(`${prop}.${key} (seconds)`, s, min, 3600);
    return s;
  };
  const failureThreshold = given?.failureThreshold ?? defaults.failureThreshold;
  checkInteger(`${prop}.failureThreshold`, failureThreshold, 1, 1000);
  return {
    initialDelaySeconds: seconds('initialDelay', given?.initialDelay, defaults.initialDelaySeconds, 0),
    periodSeconds: seconds('period', given?.period, defaults.periodSeconds, 1),
    timeoutSeconds: seconds('timeout', given?.timeout, defaults.timeoutSeconds, 1),
    failureThreshold,
  };
}

const httpGet = (path: string) => ({ httpGet: { path, port: k8s.IntOrString.fromString(MEMBER_PORT_NAME) } });

/** The props that decide the probes. */
export interface ProbeProps {
  readonly readinessProbe?: ProbeTimings;
  readonly livenessProbe?: ProbeTimings;
  readonly startupProbe?: ProbeTimings | boolean;
}

/** Readiness, liveness and (when asked for) startup probes of the member container. */
export function memberProbes(props: ProbeProps): Pick<k8s.Container, 'readinessProbe' | 'livenessProbe' | 'startupProbe'> {
  const startup = props.startupProbe === true ? {} : props.startupProbe === false ? undefined : props.startupProbe;
  return {
    readinessProbe: { ...httpGet('/hazelcast/health/ready'), ...timings('readinessProbe', props.readinessProbe, READINESS) },
    livenessProbe: { ...httpGet('/hazelcast/health/node-state'), ...timings('livenessProbe', props.livenessProbe, LIVENESS) },
    ...(startup !== undefined
      ? { startupProbe: { ...httpGet('/hazelcast/health/node-state'), ...timings('startupProbe', startup, STARTUP) } } : {}),
  };
}
