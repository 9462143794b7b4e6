// The suite's network: a bridge in the suite's namespace (the "hub", where the control plane and the tests run)
// and one network namespace per node, joined to the bridge by a veth pair. Each node routes the other nodes' pod
// CIDRs to them, as a cloud network or a flat L2 segment would. Every address lives inside these namespaces.
import { execFileSync } from 'node:child_process';

export const HUB_BRIDGE = 'hzbr0';
export const HUB_IP = '10.245.0.1';
export const NODE_PREFIX = 24;

export interface NodeAddress {
  index: number;
  /** Node name, also its kubelet's hostname-override. */
  name: string;
  netns: string;
  /** InternalIP on the node's eth0. */
  ip: string;
  podCIDR: string;
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
  ip(['link', 'set', HUB_BRIDGE, 'up']);
  sysctl(undefined, 'net.ipv4.ip_forward', '1');
}

/** A node's namespace with eth0 on the hub's bridge, a default route to the hub, forwarding on. */
export function createNodeNetwork(node: NodeAddress): void {
  execFileSync('ip', ['netns', 'add', node.netns]);
  const hostEnd = `veth-n${node.index}`;
  ip(['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns]);
  ip(['link', 'set', hostEnd, 'master', HUB_BRIDGE, 'up']);
  ip(['link', 'set', 'lo', 'up'], node.netns);
  ip(['addr', 'add', `${node.ip}/${NODE_PREFIX}`, 'dev', 'eth0'], node.netns);
  ip(['link', 'set', 'eth0', 'up'], node.netns);
  ip(['route', 'add', 'default', 'via', HUB_IP], node.netns);
  sysctl(node.netns, 'net.ipv4.ip_forward', '1');
  // kube-proxy needs bridged pod traffic (pod -> Service -> pod on the same node) to pass through netfilter
  // (br_netfilter is built into this kernel; the setting is per namespace)
  sysctl(node.netns, 'net.bridge.bridge-nf-call-iptables', '1');
  // the hub reaches the node's pods through it
  ip(['route', 'add', node.podCIDR, 'via', node.ip]);
}

/** Every node routes every other node's pod CIDR to that node. */
export function routeBetweenNodes(nodes: NodeAddress[]): void {
  for (const from of nodes) {
    for (const to of nodes) {
      if (from !== to) ip(['route', 'add', to.podCIDR, 'via', to.ip], from.netns);
    }
  }
}

export function deleteNodeNetwork(node: NodeAddress): void {
  try { ip(['link', 'del', `veth-n${node.index}`]); } catch { /* gone with the namespace */ }
  try { execFileSync('ip', ['netns', 'delete', node.netns], { stdio: 'ignore' }); } catch { /* already gone */ }
}
