// The member configuration as a ConfigMap: `config` rendered to hazelcast.yaml, with its checksum for the pods.
import { createHash } from 'node:crypto';
import { Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ClusterSettings } from './cluster-props';
import { renderHazelcastConfig } from './hazelcast-config';

/** Where the ConfigMap with `hazelcast.yaml` is mounted in the member container. */
export const CONFIG_DIR = '/data/hazelcast';

/** The ConfigMap and the checksum of its content (a pod annotation, so a change rolls the members). */
export interface MemberConfigMap {
  readonly configMap: k8s.KubeConfigMap;
  readonly checksum: string;
}

/** `<name>-config` holding `hazelcast.yaml`, when `config` is given. */
export function addConfigMap(scope: Construct, s: ClusterSettings): MemberConfigMap | undefined {
  if (s.props.config === undefined) return undefined;
  const configYaml = Yaml.stringify(renderHazelcastConfig(s.props.config, { zoneAware: s.zoneAware, metrics: s.metricsPort !== undefined }));
  const configMap = new k8s.KubeConfigMap(scope, 'ConfigMap', {
    metadata: { ...s.metadata, name: `${s.name}-config` },
    data: { 'hazelcast.yaml': configYaml },
  });
  return { configMap, checksum: createHash('sha256').update(configYaml).digest('hex') };
}
