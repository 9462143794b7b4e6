// The suite's network: a bridge in the suite's namespace (the "hub", where the control plane and the tests run)
// and one network namespace per node, joined to the bridge by a veth pair. Each node routes the other nodes' pod
// CIDRs to them, as a cloud network or a flat L2 segment would. Every address lives inside these namespaces.
// Dual stack, IPv4 first: every node and pod has an IPv4 and an IPv6 address (ULA, fd00:10::/32); what does not ask
// for IPv6 (Services are SingleStack IPv4 by default, pods announce their IPv4 address first) runs on IPv4.
import { execFileSync } from 'node:child_process';

export const HUB_BRIDGE = 'hzbr0';
export const HUB_IP = '10.245.0.1';
export const NODE_PREFIX = 24;
export const HUB_IP6 = 'fd00:10:245::1';
export const NODE_PREFIX6 = 64;
/** The pods' IPv6 range (each node a /64 of it) and the Services' IPv6 range. */
export const CLUSTER_CIDR6 = 'fd00:10:244::/56';
export const SERVICE_CIDR6 = 'fd00:10:96::/112';

export interface NodeAddress {
  index: number;
  /** Node name, also its kubelet's hostname-override. */
  name: string;
  netns: string;
  /** InternalIP on the node's eth0. */
  ip: string;
  podCIDR: string;
  /** The node's IPv6 address on eth0, and its pods' IPv6 range. */
  ip6: string;
  podCIDR6: string;
  zone: string;
}

const ZONES = ['a', 'b', 'c', 'd', 'e', 'f'];

export function nodeAddress(runId: string, index: number): NodeAddress {
  return {
    index,
    name: `hz-node-${index}`,
    netns: `${runId}-n${index}`,
    ip: `10.245.0.${10 + index}`,
    podCIDR: `10.244.${index}.0/24`,
    ip6: `fd00:10:245::${10 + index}`,
    podCIDR6: `fd00:10:244:${index}::/64`,
    zone: ZONES[(index - 1) % ZONES.length],
  };
}

function ip(args: string[], netns?: string): void {
  execFileSync('ip', netns ? ['-n', netns, ...args] : args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function sysctl(netns: string | undefined, key: string, value: string): void {
  const cmd = ['sysctl', '-qw', `${key}=${value}`];
  execFileSync(netns ? 'ip' : cmd[0], netns ? ['netns', 'exec', netns, ...cmd] : cmd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The bridge in the hub (the namespace this process runs in), the nodes' gateway. */
export function createHub(): void {
  ip(['link', 'add', HUB_BRIDGE, 'type', 'bridge']);
  ip(['addr', 'add', `${HUB_IP}/${NODE_PREFIX}`, 'dev', HUB_BRIDGE]);
  // nodad: usable at once, not "tentative" for the duplicate address detection's second
  ip(['-6', 'addr', 'add', `${HUB_IP6}/${NODE_PREFIX6}`, 'dev', HUB_BRIDGE, 'nodad']);
  ip(['link', 'set', HUB_BRIDGE, 'up']);
  sysctl(undefined, 'net.ipv4.ip_forward', '1');
  sysctl(undefined, 'net.ipv6.conf.all.forwarding', '1');
}

/** A node's namespace with eth0 on the hub's bridge, a default route to the hub, forwarding on. */
export function createNodeNetwork(node: NodeAddress): void {
  execFileSync('ip', ['netns', 'add', node.netns]);
  const hostEnd = `veth-n${node.index}`;
  ip(['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns]);
  ip(['link', 'set', hostEnd, 'master', HUB_BRIDGE, 'up']);
  ip(['link', 'set', 'lo', 'up'], node.netns);
  ip(['addr', 'add', `${node.ip}/${NODE_PREFIX}`, 'dev', 'eth0'], node.netns);
  ip(['-6', 'addr', 'add', `${node.ip6}/${NODE_PREFIX6}`, 'dev', 'eth0', 'nodad'], node.netns);
  ip(['link', 'set', 'eth0', 'up'], node.netns);
  ip(['route', 'add', 'default', 'via', HUB_IP], node.netns);
  ip(['-6', 'route', 'add', 'default', 'via', HUB_IP6], node.netns);
  sysctl(node.netns, 'net.ipv4.ip_forward', '1');
  sysctl(node.netns, 'net.ipv6.conf.all.forwarding', '1');
  // kube-proxy needs bridged pod traffic (pod -> Service -> pod on the same node) to pass through netfilter
  // (br_netfilter is built into this kernel; the setting is per namespace)
  sysctl(node.netns, 'net.bridge.bridge-nf-call-iptables', '1');
  sysctl(node.netns, 'net.bridge.bridge-nf-call-ip6tables', '1');
  // the hub reaches the node's pods through it
  ip(['route', 'add', node.podCIDR, 'via', node.ip]);
  ip(['-6', 'route', 'add', node.podCIDR6, 'via', node.ip6]);
}

/** Every node routes every other node's pod CIDR to that node. */
export function routeBetweenNodes(nodes: NodeAddress[]): void {
  for (const from of nodes) {
    for (const to of nodes) {
      if (from !== to) {
        ip(['route', 'add', to.podCIDR, 'via', to.ip], from.netns);
        ip(['-6', 'route', 'add', to.podCIDR6, 'via', to.ip6], from.netns);
      }
    }
  }
}

export function deleteNodeNetwork(node: NodeAddress): void {
  try { ip(['link', 'del', `veth-n${node.index}`]); } catch { /* gone with the namespace */ }
  try { execFileSync('ip', ['netns', 'delete', node.netns], { stdio: 'ignore' }); } catch { /* already gone */ }
}
