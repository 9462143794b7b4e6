// Clients outside Kubernetes: the type of the member Service (ClusterIP, NodePort, LoadBalancer, headless), the
// client CIDRs the NetworkPolicy admits from outside, and for smart clients one Service per member, whose address
// Hazelcast's Kubernetes discovery finds and announces (expose-externally, service-per-pod-label-*).
import { isIP } from 'node:net';
import type { Labels } from './names';
import { checkAnnotations } from './kubernetes-rules';
import { checkInteger, show } from './validation';

/** The member Service: how clients inside, and with NodePort or LoadBalancer outside, reach the cluster. */
export interface MemberServiceOptions {
  /**
   * `ClusterIP` for clients in the cluster; `NodePort` or `LoadBalancer` also for unisocket clients outside it
   * (smart clients outside need `externalAccess`).
   * @default "ClusterIP"
   */
  readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /**
   * A headless Service (`clusterIP: None`): its DNS name resolves to the members' pod IPs. ClusterIP only.
   * @default false
   */
  readonly headless?: boolean;
  /**
   * The node port of the member port, for NodePort and LoadBalancer (30000-32767 unless the API server's
   * `--service-node-port-range` says otherwise).
   * @default - Kubernetes picks a free one
   */
  readonly nodePort?: number;
  /**
   * Annotations on the member Service only (cloud load balancers read theirs here).
   * @default - none beyond `commonAnnotations`
   */
  readonly annotations?: { readonly [key: string]: string };
  /**
   * For NodePort and LoadBalancer: `Local` keeps the client's source address (so the NetworkPolicy's
   * `externalClientCidrs` see it) and answers only on nodes that run a member; `Cluster` answers on every node and
   * hides the client behind a node address (refused with `networkPolicy` on).
   * @default "Local"
   */
  readonly externalTrafficPolicy?: 'Local' | 'Cluster';
  /**
   * For LoadBalancer: the address to ask the cloud's load balancer for (`loadBalancerIP`; deprecated by Kubernetes
   * in favour of provider annotations, which `annotations` takes, but still read by many providers).
   * @default - the provider picks one
   */
  readonly loadBalancerIP?: string;
  /**
   * For LoadBalancer: the client CIDRs the cloud's load balancer admits (`loadBalancerSourceRanges`), IPv4 or IPv6.
   * @default - any source
   */
  readonly loadBalancerSourceRanges?: string[];
}

/** Smart clients outside Kubernetes: every member reachable on an address of its own, and announced. */
export interface ExternalAccessOptions {
  /**
   * One Service per member (named after its pod, selecting `statefulset.kubernetes.io/pod-name`), so the members
   * run as a StatefulSet, and discovery looks up and announces each member's external address to clients.
   * @default true
   */
  readonly smartClients?: boolean;
  /**
   * Type of the per-member Services: `NodePort` (a member is announced as `<its node's address>:<node port>`) or
   * `LoadBalancer` (as `<load balancer address>:<port>`).
   * @default "NodePort"
   */
  readonly type?: 'NodePort' | 'LoadBalancer';
  /**
   * Which address of a member's node is announced with the node port: `ExternalIP` (the Node's ExternalIP, which
   * cloud providers set; adds a ClusterRole with `get nodes`) or `NodeName` (the Node's name, which must resolve
   * for members and clients alike: Hazelcast's `use-node-name-as-external-address`).
   * @default "ExternalIP"
   */
  readonly nodeAddress?: 'ExternalIP' | 'NodeName';
  /**
   * Annotations on the per-member Services only.
   * @default - none beyond `commonAnnotations`
   */
  readonly annotations?: { readonly [key: string]: string };
  /**
   * With `type` LoadBalancer: the client CIDRs each member's load balancer admits (`loadBalancerSourceRanges`).
   * The per-member Services keep `externalTrafficPolicy: Local` (the node announced for a member is its own).
   * @default - any source
   */
  readonly loadBalancerSourceRanges?: string[];
}

/** What the stack decided from `service`, `externalAccess` and `externalClientCidrs`. */
export interface ExternalSettings {
  readonly serviceType: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  readonly headless: boolean;
  readonly nodePort?: number;
  readonly serviceAnnotations?: Labels;
  readonly externalTrafficPolicy?: 'Local' | 'Cluster';
  readonly loadBalancerIP?: string;
  readonly loadBalancerSourceRanges?: string[];
  /** Present when smart clients outside are served. */
  readonly smart?: {
    readonly type: 'NodePort' | 'LoadBalancer';
    readonly nodeAddress: 'ExternalIP' | 'NodeName';
    readonly annotations?: Labels;
    readonly loadBalancerSourceRanges?: string[];
  };
  readonly clientCidrs: string[];
}


const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function checkOneOf<T extends string>(prop: string, value: T, valid: readonly T[]): void {
  if (!valid.includes(value)) {
    throw new Error(`'${prop}' (${show(value)}) must be ${valid.slice(0, -1).map((v) => `"${v}"`).join(', ')} or "${valid[valid.length - 1]}"`);
  }
}

function annotationsOf(prop: string, annotations: { readonly [key: string]: string } | undefined): Labels | undefined {
  checkAnnotations(prop, annotations);
  return annotations !== undefined && Object.keys(annotations).length > 0 ? annotations : undefined;
}

/** An IPv4 CIDR such as 203.0.113.0/24, with no bits set past the prefix (as NetworkPolicy ipBlock requires). */
function checkCidr(prop: string, value: string): void {
  const m = typeof value === 'string' ? CIDR.exec(value) : null;
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : -1;
  const ok = m !== null && octets.every((o) => o <= 255) && prefix <= 32;
  const address = ok ? octets.reduce((a, o) => a * 256 + o, 0) : 0;
  const hostBits = ok ? address % 2 ** (32 - prefix) : 0;
  if (!ok || hostBits !== 0) {
    throw new Error(`'${prop}' (${show(value)}) must be an IPv4 CIDR such as "203.0.113.0/24" or "198.51.100.7/32", `
      + 'with no address bits set past the prefix length');
  }
}

/** A load balancer's source range: an IPv4 or IPv6 CIDR. */
function checkSourceRanges(prop: string, ranges: string[] | undefined, type: string): string[] | undefined {
  if (ranges === undefined) return undefined;
  if (type !== 'LoadBalancer') throw new Error(`'${prop}' needs type "LoadBalancer", not ${show(type)}`);
  if (!Array.isArray(ranges)) throw new Error(`'${prop}' (${show(ranges)}) must be a list of CIDRs`);
  for (const range of ranges) {
    const [address, prefix, extra] = typeof range === 'string' ? range.split('/') : [];
    const family = address !== undefined ? isIP(address) : 0;
    const bits = Number(prefix);
    if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(prefix ?? '') || bits > (family === 4 ? 32 : 128)) {
      throw new Error(`'${prop}' entry ${show(range)} must be an IPv4 or IPv6 CIDR such as "203.0.113.0/24" or "2001:db8::/32"`);
    }
  }
  return ranges.length > 0 ? ranges : undefined;
}

/** Checks `service`, `externalAccess` and `externalClientCidrs` against each other and the other props. */
export function resolveExternalSettings(p: {
  readonly service?: MemberServiceOptions;
  readonly externalAccess?: ExternalAccessOptions;
  readonly externalClientCidrs?: string[];
  readonly networkPolicy?: boolean;
}): ExternalSettings {
  const service = p.service ?? {};
  const serviceType = service.type ?? 'ClusterIP';
  checkOneOf('service.type', serviceType, ['ClusterIP', 'NodePort', 'LoadBalancer']);
  const exposed = serviceType !== 'ClusterIP';
  const headless = service.headless ?? false;
  if (typeof headless !== 'boolean') throw new Error(`'service.headless' (${show(headless)}) must be true or false`);
  if (headless && exposed) {
    throw new Error(`'service.headless' (true) needs 'service.type' "ClusterIP", not ${show(serviceType)}: a headless Service has no cluster IP to forward node ports or load balancers to`);
  }
  if (service.nodePort !== undefined) {
    if (!exposed) {
      throw new Error(`'service.nodePort' (${show(service.nodePort)}) needs 'service.type' "NodePort" or "LoadBalancer", not ${show(serviceType)}`);
    }
    checkInteger('service.nodePort', service.nodePort, 1, 65535, ' (the API server\'s node port range, 30000-32767 by default)');
  }
  if (service.externalTrafficPolicy !== undefined) {
    if (!exposed) {
      throw new Error(`'service.externalTrafficPolicy' (${show(service.externalTrafficPolicy)}) needs 'service.type' "NodePort" or "LoadBalancer", not ${show(serviceType)}`);
    }
    checkOneOf('service.externalTrafficPolicy', service.externalTrafficPolicy, ['Local', 'Cluster']);
  }
  const externalTrafficPolicy = exposed ? service.externalTrafficPolicy ?? 'Local' : undefined;
  const serviceAnnotations = annotationsOf('service.annotations', service.annotations);
  if (service.loadBalancerIP !== undefined) {
    if (serviceType !== 'LoadBalancer') throw new Error(`'service.loadBalancerIP' needs 'service.type' "LoadBalancer", not ${show(serviceType)}`);
    if (typeof service.loadBalancerIP !== 'string' || isIP(service.loadBalancerIP) === 0) {
      throw new Error(`'service.loadBalancerIP' (${show(service.loadBalancerIP)}) must be an IPv4 or IPv6 address`);
    }
  }
  const loadBalancerSourceRanges = checkSourceRanges('service.loadBalancerSourceRanges', service.loadBalancerSourceRanges, serviceType);

  let smart: ExternalSettings['smart'];
  if (p.externalAccess !== undefined) {
    const e = p.externalAccess;
    if ((e.smartClients ?? true) !== true) {
      throw new Error(`'externalAccess.smartClients' (${show(e.smartClients)}) must be true, or leave externalAccess out: `
        + 'unisocket clients outside need only \'service.type\' "NodePort" or "LoadBalancer"');
    }
    const type = e.type ?? 'NodePort';
    checkOneOf('externalAccess.type', type, ['NodePort', 'LoadBalancer']);
    const nodeAddress = e.nodeAddress ?? 'ExternalIP';
    checkOneOf('externalAccess.nodeAddress', nodeAddress, ['ExternalIP', 'NodeName']);
    smart = {
      type, nodeAddress, annotations: annotationsOf('externalAccess.annotations', e.annotations),
      loadBalancerSourceRanges: checkSourceRanges('externalAccess.loadBalancerSourceRanges', e.loadBalancerSourceRanges, type),
    };
  }

  const clientCidrs = p.externalClientCidrs ?? [];
  if (!Array.isArray(clientCidrs)) throw new Error(`'externalClientCidrs' (${show(clientCidrs)}) must be a list of CIDRs`);
  clientCidrs.forEach((c) => checkCidr('externalClientCidrs', c));
  const networkPolicy = p.networkPolicy ?? false;
  if (clientCidrs.length > 0 && !networkPolicy) {
    throw new Error(`'externalClientCidrs' (${clientCidrs.join(', ')}) needs 'networkPolicy' true: without the NetworkPolicy every source is admitted already`);
  }
  if (networkPolicy && (exposed || smart)) {
    const what = smart ? `'externalAccess' (per-member ${smart.type} Services)` : `'service.type' ${show(serviceType)}`;
    if (clientCidrs.length === 0) {
      throw new Error(`${what} with 'networkPolicy' true needs 'externalClientCidrs': the NetworkPolicy would block every client `
        + 'outside the cluster; list the CIDRs they connect from (["0.0.0.0/0"] for any)');
    }
    if (externalTrafficPolicy === 'Cluster') {
      throw new Error(`'service.externalTrafficPolicy' ("Cluster") with 'networkPolicy' true would hide clients behind node `
        + 'addresses, so \'externalClientCidrs\' could not tell them apart; use "Local" (the default)');
    }
  }
  return {
    serviceType, headless, nodePort: service.nodePort, serviceAnnotations, externalTrafficPolicy,
    loadBalancerIP: service.loadBalancerIP, loadBalancerSourceRanges, smart, clientCidrs,
  };
}
