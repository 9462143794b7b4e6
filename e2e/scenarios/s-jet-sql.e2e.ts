// (s) Jet and SQL with the image's default config (no `config`: hazelcast-docker.xml turns Jet on): a batch Jet
// job submitted by a Java client (hz-e2e-client --op jet: Sources.map -> Sinks.map, no user classes) runs on both
// members and copies 1000 entries; SQL over the copy works from a client (hz-e2e-client --op sql; the image's lib/
// holds hazelcast-sql, as the official image's does). Control: `config: { jet: { enabled: false } }`: the same job
// submission and the same query fail with Hazelcast's JetDisabledException message.
import { afterAll, describe, expect, it } from 'vitest';
import { createRestrictedNamespace, deleteNamespace, kubectl, memberLog, synthYaml, waitForCluster } from '../harness/cluster';
import { clientCommand, clientResult, runPod } from '../harness/pods';

const ns = 'jet-sql';
const nsControl = 'jet-off';
const JOB = 'e2e-copy-jet-in-jet-out';
const MAPPING = `CREATE MAPPING "jet-out" TYPE IMap OPTIONS ('keyFormat'='varchar', 'valueFormat'='varchar')`;
// Hazelcast 5.7's answer to a job or query when the members run with Jet off (com.hazelcast.jet.impl.util.Util).
const JET_DISABLED = 'The Jet engine is disabled.\nTo enable the Jet engine on the members, do one of the following:';

const address = (n: string) => `hazelcast.${n}.svc.cluster.local:5701`;

describe('Jet and SQL', () => {
  afterAll(async () => {
    await deleteNamespace(ns);
    await deleteNamespace(nsControl);
  });

  it('a Jet job runs on the members, SQL over its output works', async () => {
    await createRestrictedNamespace(ns);
    const yaml = synthYaml({ namespace: ns, replicas: 2 });
    expect(yaml).not.toContain('hazelcast.yaml'); // the image's own config
    await kubectl(['apply', '-f', '-'], yaml);
    const { pods } = await waitForCluster(ns, 'hazelcast', 2);

    const put = await runPod(ns, 'put', clientCommand(address(ns), 'hazelcast', 'put', ['--map', 'jet-in', '--count', '1000']));
    expect(clientResult(put.log), put.log).toMatchObject({ ok: true, written: 1000 });

    const jet = await runPod(ns, 'jet', clientCommand(address(ns), 'hazelcast', 'jet', ['--map', 'jet-in', '--out', 'jet-out', '--timeout-seconds', '120']));
    expect(jet.exitCode, jet.log).toBe(0);
    expect(clientResult(jet.log)).toMatchObject({ ok: true, job: JOB, status: 'COMPLETED', copied: 1000 });
    const get = await runPod(ns, 'get', clientCommand(address(ns), 'hazelcast', 'get', ['--map', 'jet-out', '--count', '1000']));
    expect(clientResult(get.log), get.log).toMatchObject({ ok: true, found: 1000, missing: 0, wrong: 0 });
    // Both members executed the job; one, the coordinator, reports its end.
    const logs = await Promise.all(pods.map((p) => memberLog(ns, p.name)));
    for (const log of logs) expect(log).toMatch(new RegExp(`Start execution of job '${JOB}', execution \\S+ from coordinator`));
    expect(logs.filter((log) => new RegExp(`Execution of job '${JOB}', execution \\S+ completed successfully`).test(log))).toHaveLength(1);

    const count = await runPod(ns, 'sql-count', clientCommand(address(ns), 'hazelcast', 'sql',
      ['--sql', `${MAPPING}; SELECT COUNT(*) FROM "jet-out"`, '--timeout-seconds', '120']));
    expect(count.exitCode, count.log).toBe(0);
    expect(clientResult(count.log)).toMatchObject({ ok: true, rows: [['1000']] });
    const select = await runPod(ns, 'sql-select', clientCommand(address(ns), 'hazelcast', 'sql',
      ['--sql', `SELECT __key, this FROM "jet-out" WHERE __key IN ('key-7', 'key-999', 'key-1000')`]));
    expect(select.exitCode, select.log).toBe(0);
    const rows = (clientResult(select.log).rows as string[][]).sort();
    expect(rows).toEqual([['key-7', 'value-7'], ['key-999', 'value-999']]);
  });

  it('control: with config.jet.enabled false, the job and the query fail with JetDisabledException', async () => {
    await createRestrictedNamespace(nsControl);
    const yaml = synthYaml({ namespace: nsControl, replicas: 1, config: { jet: { enabled: false } } });
    expect(yaml).toMatch(/jet:\n\s+enabled: false/);
    await kubectl(['apply', '-f', '-'], yaml);
    await waitForCluster(nsControl, 'hazelcast', 1);

    const put = await runPod(nsControl, 'put', clientCommand(address(nsControl), 'hazelcast', 'put', ['--map', 'jet-in', '--count', '1000']));
    expect(clientResult(put.log), put.log).toMatchObject({ ok: true, written: 1000 });
    const jet = await runPod(nsControl, 'jet', clientCommand(address(nsControl), 'hazelcast', 'jet', ['--map', 'jet-in', '--out', 'jet-out']));
    expect(jet.exitCode, jet.log).toBe(1);
    const jetError = String(clientResult(jet.log).error);
    expect(jetError).toMatch(/^JetDisabledException: /);
    expect(jetError).toContain(JET_DISABLED);

    const sql = await runPod(nsControl, 'sql', clientCommand(address(nsControl), 'hazelcast', 'sql', ['--sql', `${MAPPING}; SELECT COUNT(*) FROM "jet-out"`]));
    expect(sql.exitCode, sql.log).toBe(1);
    const sqlError = String(clientResult(sql.log).error);
    expect(sqlError).toMatch(/^HazelcastSqlException: /);
    expect(sqlError).toContain(JET_DISABLED);
  });
});
