// (s) Jet and SQL, and what an admitted client can reach through them. The stack's default turns Jet (and with it
// SQL) off, overriding the image's own config (hazelcast-docker.xml turns Jet and resource upload on): a job, a
// query, and SQL's File connector pointed at the member's ServiceAccount directory all fail with Hazelcast's
// JetDisabledException message. Control: `config: { jet: { enabled: true } }`: a batch Jet job submitted by a Java
// client (hz-e2e-client --op jet: Sources.map -> Sinks.map, no user classes) runs on both members and copies 1000
// entries, SQL over the copy works, and the same File mapping reads the member's ServiceAccount token (the JSON
// parser's refusal quotes its JWT header back to the client): what Jet on hands every admitted client.
import { afterAll, describe, expect, it } from 'vitest';
import { createRestrictedNamespace, deleteNamespace, kubectl, memberLog, synthYaml, waitForCluster } from '../harness/cluster';
import { clientCommand, clientResult, runPod } from '../harness/pods';

const ns = 'jet-sql';
const nsDefault = 'jet-off';
const JOB = 'e2e-copy-jet-in-jet-out';
const MAPPING = `CREATE MAPPING "jet-out" TYPE IMap OPTIONS ('keyFormat'='varchar', 'valueFormat'='varchar')`;
/** SQL's File connector over the directory where the kubelet mounts the member's ServiceAccount token. */
// json-flat, the format the member jar carries itself: the mapping samples the token's first line, and the JSON
// parser's refusal quotes it (a JWT starts with eyJ, base64 of '{"').
const SA_FILE = `CREATE MAPPING sa TYPE File OPTIONS ('format'='json-flat', 'path'='/var/run/secrets/kubernetes.io/serviceaccount', 'glob'='token')`;
// Hazelcast 5.7's answer to a job or query when the members run with Jet off (com.hazelcast.jet.impl.util.Util).
const JET_DISABLED = 'The Jet engine is disabled.\nTo enable the Jet engine on the members, do one of the following:';

const address = (n: string) => `hazelcast.${n}.svc.cluster.local:5701`;

describe('Jet and SQL', () => {
  afterAll(async () => {
    await deleteNamespace(ns);
    await deleteNamespace(nsDefault);
  });

  it('control: with config.jet.enabled true, a Jet job runs on the members, SQL over its output works, and the File connector reads the member\'s files', async () => {
    await createRestrictedNamespace(ns);
    const yaml = synthYaml({ namespace: ns, replicas: 2, config: { jet: { enabled: true } } });
    expect(yaml).toMatch(/jet:\n\s+enabled: true\n\s+resource-upload-enabled: false/);
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

    const file = await runPod(ns, 'sql-file', clientCommand(address(ns), 'hazelcast', 'sql', ['--sql', SA_FILE]));
    expect(file.exitCode, file.log).toBe(1);
    // the member read its ServiceAccount token for the client: the error quotes the token's JWT header
    expect(String(clientResult(file.log).error)).toMatch(/^HazelcastSqlException: .*Unrecognized token 'eyJ[A-Za-z0-9_]+'/);
  });

  it('by default Jet is off: the job, the query and the File connector fail with JetDisabledException', async () => {
    await createRestrictedNamespace(nsDefault);
    const yaml = synthYaml({ namespace: nsDefault, replicas: 1 });
    expect(yaml).not.toContain('hazelcast.yaml'); // no config: the image's own, which turns Jet on, overridden by env
    expect(yaml).toMatch(/name: HZ_JET_ENABLED\n\s+value: "false"/);
    await kubectl(['apply', '-f', '-'], yaml);
    await waitForCluster(nsDefault, 'hazelcast', 1);

    const put = await runPod(nsDefault, 'put', clientCommand(address(nsDefault), 'hazelcast', 'put', ['--map', 'jet-in', '--count', '1000']));
    expect(clientResult(put.log), put.log).toMatchObject({ ok: true, written: 1000 });
    const jet = await runPod(nsDefault, 'jet', clientCommand(address(nsDefault), 'hazelcast', 'jet', ['--map', 'jet-in', '--out', 'jet-out']));
    expect(jet.exitCode, jet.log).toBe(1);
    const jetError = String(clientResult(jet.log).error);
    expect(jetError).toMatch(/^JetDisabledException: /);
    expect(jetError).toContain(JET_DISABLED);

    for (const [pod, sql] of [['sql', `${MAPPING}; SELECT COUNT(*) FROM "jet-out"`], ['sql-file', SA_FILE]]) {
      const run = await runPod(nsDefault, pod, clientCommand(address(nsDefault), 'hazelcast', 'sql', ['--sql', sql]));
      expect(run.exitCode, run.log).toBe(1);
      const sqlError = String(clientResult(run.log).error);
      expect(sqlError).toMatch(/^HazelcastSqlException: /);
      expect(sqlError).toContain(JET_DISABLED);
    }
  });
});
