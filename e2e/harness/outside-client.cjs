// A Hazelcast client as an application outside Kubernetes runs it: the official npm package, given addresses and a
// routing mode, writes and reads `count` entries, then reports what it saw and which connections it held.
//
//   node outside-client.cjs --addresses <host:port>[,...] --cluster <name> [--smart true|false]
//                           [--public-ip true|false] [--count 200] [--timeout-ms 30000] [--expect-connections N]
//
// --public-ip sets the client property hazelcast.discovery.public.ip.enabled (unset: the client decides, as it
// does by default). With --expect-connections it waits (up to --timeout-ms) until it holds that many member
// connections before it reports. Prints one JSON line: {"ok":true,"found":200,"members":[...],"connections":[...],
// "sockets":[...]} where sockets are the established TCP connections of this network namespace (`ss`), exit 0;
// {"ok":false,"error":"..."} and exit 1 when it cannot connect or operate.
'use strict';
const { execFileSync } = require('node:child_process');
const { Client } = require('hazelcast-client');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const timeoutMs = Number(args['timeout-ms'] ?? 30000);
const count = Number(args.count ?? 200);
const expectConnections = args['expect-connections'] !== undefined ? Number(args['expect-connections']) : undefined;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sockets() {
  try {
    return execFileSync('ss', ['-Htn', 'state', 'established'], { encoding: 'utf-8' }).trim().split('\n').filter(Boolean)
      .map((l) => l.trim().split(/\s+/).slice(-1)[0]);
  } catch (e) {
    return [`ss failed: ${e.message}`];
  }
}

async function main() {
  const watchdog = setTimeout(() => {
    console.log(JSON.stringify({ ok: false, error: `timeout after ${timeoutMs + 15000} ms`, sockets: sockets() }));
    process.exit(2);
  }, timeoutMs + 15000);
  let client;
  try {
    client = await Client.newHazelcastClient({
      clusterName: args.cluster,
      network: { clusterMembers: args.addresses.split(','), smartRouting: (args.smart ?? 'true') === 'true', connectionTimeout: 3000 },
      connectionStrategy: { connectionRetry: { clusterConnectTimeoutMillis: timeoutMs, initialBackoffMillis: 200, maxBackoffMillis: 1000 } },
      properties: {
        'hazelcast.logging.level': 'WARN',
        ...(args['public-ip'] !== undefined ? { 'hazelcast.discovery.public.ip.enabled': args['public-ip'] === 'true' } : {}),
      },
    });
    const map = await client.getMap('outside');
    const entries = Array.from({ length: count }, (_, i) => [`key-${i}`, `value-${i}`]);
    await map.putAll(entries);
    const read = await map.getAll(entries.map(([k]) => k));
    const found = read.filter(([k, v]) => v === `value-${k.slice(4)}`).length;
    const members = client.getCluster().getMembers().map((m) => {
      const pub = [...m.addressMap.entries()].find(([q]) => q.identifier === 'public');
      return { address: m.address.toString(), public: pub ? pub[1].toString() : null };
    });
    const deadline = Date.now() + timeoutMs;
    const connections = () => client.connectionRegistry.getConnections().map((c) => c.getRemoteAddress().toString());
    while (expectConnections !== undefined && connections().length < expectConnections && Date.now() < deadline) await sleep(500);
    console.log(JSON.stringify({ ok: true, found, members, connections: connections(), sockets: sockets() }));
    clearTimeout(watchdog);
    await client.shutdown();
    process.exit(0);
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e && e.message ? e.message : e).split('\n')[0], sockets: sockets() }));
    process.exit(1);
  }
}
main();
