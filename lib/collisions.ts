// Objects of one app that would overwrite each other on apply: same group, kind, namespace (for namespaced kinds)
// and name. A HazelcastCluster refuses to synthesize when one of its objects has such a twin anywhere in the app
// (another cluster of the same name and namespace, or any other object with a clashing name, cluster-scoped ones
// such as the zoneAware ClusterRole included). The check needs the finished tree, so it runs as a validation at
// App.synth / Testing.synth, which collects every construct's errors into one "Validation failed" error.
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct, IValidation } from 'constructs';

/** Built-in kinds without a namespace, by API group (cdk8s calls the core group 'core'). */
const CLUSTER_SCOPED: { readonly [group: string]: readonly string[] } = {
  'core': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'admissionregistration.k8s.io': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  'apiregistration.k8s.io': ['APIService'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'],
  'scheduling.k8s.io': ['PriorityClass'],
  'node.k8s.io': ['RuntimeClass'],
  'networking.k8s.io': ['IngressClass'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'certificates.k8s.io': ['CertificateSigningRequest'],
};

function isClusterScoped(object: ApiObject): boolean {
  return CLUSTER_SCOPED[object.apiGroup]?.includes(object.kind) ?? false;
}

/** What the API server identifies the object by, and how a reader names it. */
function identity(object: ApiObject): { key: string; label: string } {
  const name = object.name;
  if (isClusterScoped(object)) {
    return { key: `${object.apiGroup}/${object.kind}//${name}`, label: `${object.kind} "${name}" (cluster-scoped)` };
  }
  // A namespaced object without a namespace lands wherever kubectl's context points: it cannot be matched here.
  const namespace = object.metadata.namespace ?? '';
  return { key: `${object.apiGroup}/${object.kind}/${namespace}/${name}`, label: `${object.kind} "${name}" in namespace "${namespace}"` };
}

/** The node ports a Service asks for: unique across the whole Kubernetes cluster, whatever the namespace. */
function nodePortsOf(object: ApiObject): number[] {
  if (object.apiGroup !== 'core' || object.kind !== 'Service') return [];
  try {
    const ports = (object.toJson() as { spec?: { ports?: Array<{ nodePort?: number }> } }).spec?.ports ?? [];
    return ports.map((p) => p.nodePort).filter((n): n is number => typeof n === 'number');
  } catch {
    return []; // an object that cannot render is reported by the API schema check
  }
}

function apiObjectsUnder(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/** The nearest enclosing construct (itself included) that registered this validation. */
function ownerOf(object: IConstruct, owners: ReadonlySet<IConstruct>): IConstruct | undefined {
  for (let c: IConstruct | undefined = object; c !== undefined; c = c.node.scope) {
    if (owners.has(c)) return c;
  }
  return undefined;
}

/** Constructs (per app) whose objects are checked: two of them clashing is reported once, by the later one. */
const checkedByRoot = new WeakMap<IConstruct, Set<IConstruct>>();

class ObjectCollisions implements IValidation {
  constructor(private readonly owner: Construct) {}

  public validate(): string[] {
    const root = this.owner.node.root;
    const owners = checkedByRoot.get(root) ?? new Set();
    const all = apiObjectsUnder(root);
    const order = new Map(all.map((o, i) => [o, i]));
    const byKey = new Map<string, ApiObject[]>();
    for (const object of all) {
      const { key } = identity(object);
      byKey.set(key, [...(byKey.get(key) ?? []), object]);
    }
    const errors: string[] = [];
    const byNodePort = new Map<number, ApiObject[]>();
    for (const object of all) for (const port of nodePortsOf(object)) byNodePort.set(port, [...(byNodePort.get(port) ?? []), object]);
    for (const mine of apiObjectsUnder(this.owner)) {
      for (const port of nodePortsOf(mine)) {
        for (const other of byNodePort.get(port) ?? []) {
          if (other === mine) continue;
          const otherOwner = ownerOf(other, owners);
          if (otherOwner !== undefined && otherOwner !== this.owner && order.get(other)! > order.get(mine)!) continue;
          errors.push(`node port ${port} is asked for by both ${other.node.path} and ${mine.node.path}: node ports are unique in the `
            + 'whole Kubernetes cluster, so the second apply fails; give one of them another port (or none: Kubernetes picks a free one)');
        }
      }
      const { key, label } = identity(mine);
      for (const other of byKey.get(key) ?? []) {
        if (other === mine) continue;
        const otherOwner = ownerOf(other, owners);
        // Between two checked constructs the later one reports, so the pair is named once.
        if (otherOwner !== undefined && otherOwner !== this.owner && order.get(other)! > order.get(mine)!) continue;
        errors.push(`${label} is written by both ${other.node.path} and ${mine.node.path}: one would overwrite the other `
          + 'on apply; give the clusters different \'name\'s or \'namespace\'s, or rename the other object');
      }
    }
    return errors;
  }
}

/**
 * Makes `scope` refuse, at synth, any of its objects that another object of the same app would overwrite on apply
 * (same group, kind, name and, for namespaced kinds, namespace). The error names both objects' construct paths.
 */
export function refuseObjectCollisions(scope: Construct): void {
  const root = scope.node.root;
  if (!checkedByRoot.has(root)) checkedByRoot.set(root, new Set());
  checkedByRoot.get(root)!.add(scope);
  scope.node.addValidation(new ObjectCollisions(scope));
}
