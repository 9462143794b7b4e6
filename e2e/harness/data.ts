// Entries written and counted with the official Node.js client from the suite's namespace (it reaches pod IPs
// through the nodes' routes; scenarios with a NetworkPolicy use client pods instead).
import type { Client } from 'hazelcast-client';
import { MemberPod, withClient } from './cluster';

const BATCH = 1_000;

export async function writeEntries(client: Client, map: string, count: number): Promise<void> {
  const m = await client.getMap<number, string>(map);
  for (let from = 0; from < count; from += BATCH) {
    await m.putAll(Array.from({ length: Math.min(BATCH, count - from) }, (_, i) => [from + i, `value-${from + i}`] as [number, string]));
  }
}

/** Reads every key back through a fresh client; returns how many hold the value written. */
export async function countIntact(pods: MemberPod[], map: string, count: number): Promise<number> {
  return withClient('hazelcast', pods, async (client) => {
    const m = await client.getMap<number, string>(map);
    let intact = 0;
    for (let from = 0; from < count; from += BATCH) {
      const entries = await m.getAll(Array.from({ length: Math.min(BATCH, count - from) }, (_, i) => from + i));
      for (const [k, v] of entries) if (v === `value-${k}`) intact++;
    }
    return intact;
  });
}
