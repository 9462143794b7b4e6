// Which pods the NetworkPolicy admits as clients: the cluster's client label in its own namespace (the simplest
// case), and pods of other namespaces (`clientsFrom`, or `HazelcastCluster.allowClientsFrom`). By the NetworkPolicy
// semantics a bare podSelector admits pods of the policy's own namespace only; a peer that names namespaces needs a
// namespaceSelector beside it (both in one peer: pods matching the labels *in* those namespaces).
import type { ApiObjectMetadataDefinition } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { checkDns1123Label, checkLabel, show } from './validation';

/**
 * Clients of another namespace (or of several): pods the member NetworkPolicy admits on the member port, on every
 * member's pod address (smart clients connect to each member) and through the Service.
 */
export interface ClientSource {
  /**
   * The namespace, by name (matched on the `kubernetes.io/metadata.name` label Kubernetes sets on every namespace).
   * Give this or `namespaceLabels`.
   * @default - the namespaces `namespaceLabels` selects
   */
  readonly namespace?: string;

  /**
   * The namespaces, by their labels (all of them must match). Give this or `namespace`.
   * @default - the namespace `namespace` names
   */
  readonly namespaceLabels?: { readonly [key: string]: string };

  /**
   * The pods in those namespaces, by their labels (all of them must match); `{}` admits every pod there.
   * @default - the cluster's client label, `<name>-client: "true"`
   */
  readonly podLabels?: { readonly [key: string]: string };
}

/** The NetworkPolicy peer of one client source, checked; `prop` names it in errors (`clientsFrom[0]`). */
export function clientPeer(prop: string, source: ClientSource, clientLabel: string): k8s.NetworkPolicyPeer {
  if (source === null || typeof source !== 'object') throw new Error(`'${prop}' (${show(source)}) must be an object`);
  const known = ['namespace', 'namespaceLabels', 'podLabels'];
  for (const key of Object.keys(source)) {
    if (!known.includes(key)) throw new Error(`'${prop}.${key}' is not a setting: use ${known.join(', ')}`);
  }
  if ((source.namespace === undefined) === (source.namespaceLabels === undefined)) {
    throw new Error(`'${prop}' must give exactly one of 'namespace' (a name) and 'namespaceLabels' (labels), not `
      + `${source.namespace === undefined ? 'neither' : 'both'}`);
  }
  let namespaceLabels: { [key: string]: string };
  if (source.namespace !== undefined) {
    checkDns1123Label(`${prop}.namespace`, source.namespace);
    namespaceLabels = { 'kubernetes.io/metadata.name': source.namespace };
  } else {
    namespaceLabels = labelsOf(`${prop}.namespaceLabels`, source.namespaceLabels!);
    if (Object.keys(namespaceLabels).length === 0) {
      throw new Error(`'${prop}.namespaceLabels' is empty, which admits every namespace: name the labels to match`);
    }
  }
  const podLabels = source.podLabels === undefined ? { [clientLabel]: 'true' } : labelsOf(`${prop}.podLabels`, source.podLabels);
  return { namespaceSelector: { matchLabels: namespaceLabels }, podSelector: { matchLabels: podLabels } };
}

function labelsOf(prop: string, labels: { readonly [key: string]: string }): { [key: string]: string } {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new Error(`'${prop}' (${show(labels)}) must be an object of label keys to values`);
  }
  for (const [key, value] of Object.entries(labels)) checkLabel(prop, key, value);
  return { ...labels };
}

/**
 * A workload whose pods are clients: a cdk8s-plus `Deployment`, `StatefulSet`, `DaemonSet` or `Job` is one (its
 * metadata's namespace and the labels it selects its pods by).
 */
export interface IClientWorkload {
  /** The workload's metadata; its namespace is where the client pods run. */
  readonly metadata: ApiObjectMetadataDefinition;
  /** The labels the workload selects its pods by. */
  readonly matchLabels: { [key: string]: string };
}

/** A namespace whose client-labelled pods are clients: a cdk8s-plus `Namespace` is one. */
export interface IClientNamespace {
  /** The namespace's name. */
  readonly name: string;
}

/** The ClientSource of a cdk8s-plus workload: its namespace (default "default") and its pods' selector labels. */
export function workloadSource(prop: string, workload: IClientWorkload): ClientSource {
  const labels = workload?.matchLabels;
  if (labels === null || typeof labels !== 'object' || Object.keys(labels).length === 0) {
    throw new Error(`'${prop}' (${show(workload?.constructor?.name ?? workload)}) must be a workload that selects its pods by labels (a cdk8s-plus Deployment, StatefulSet, DaemonSet or Job); `
      + 'one without would admit every pod of its namespace');
  }
  return { namespace: workload.metadata?.namespace ?? 'default', podLabels: { ...labels } };
}
