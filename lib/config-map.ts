// The member configuration as a ConfigMap: `config` rendered to hazelcast.yaml.
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ClusterSettings } from './settings';

/** `<name>-config` holding `hazelcast.yaml` (rendered and checked in settings.ts), when `config` is given. */
export function addConfigMap(scope: Construct, s: ClusterSettings): k8s.KubeConfigMap | undefined {
  if (s.memberConfig === undefined) return undefined;
  return new k8s.KubeConfigMap(scope, 'ConfigMap', {
    metadata: { ...s.metadata, name: `${s.name}-config` },
    data: { 'hazelcast.yaml': s.memberConfig.yaml },
  });
}
