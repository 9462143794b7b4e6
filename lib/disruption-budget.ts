// The PodDisruptionBudget: voluntary disruptions (drains) take at most one member at a time.
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ClusterSettings } from './settings';

/** `maxUnavailable: 1` (or `podDisruptionBudget`'s), when there are two or more members. */
export function addDisruptionBudget(scope: Construct, s: ClusterSettings): k8s.KubePodDisruptionBudget | undefined {
  // With one member there is nothing to keep available, and a budget of "none may go" would block every drain.
  if (s.replicas < 2) return undefined;
  const b = s.platform.disruptionBudget;
  return new k8s.KubePodDisruptionBudget(scope, 'PodDisruptionBudget', {
    metadata: s.metadata,
    spec: {
      ...(b.minAvailable !== undefined ? { minAvailable: k8s.IntOrString.fromNumber(b.minAvailable) } : {}),
      ...(b.maxUnavailable !== undefined ? { maxUnavailable: k8s.IntOrString.fromNumber(b.maxUnavailable) } : {}),
      selector: { matchLabels: s.selector },
    },
  });
}
