// The e2e tests' Hazelcast client, shipped in the member image as /opt/hazelcast/bin/hz-e2e-client.
// Compiled by e2e/image/build.sh against the image's own hazelcast jar (which contains the Java client).
//
//   hz-e2e-client --address <host:port>[,<host:port>...] --cluster <name> --op put|get|size|members|clear|jet|sql
//                 [--map e2e] [--count 100] [--prefix key-] [--smart true|false] [--timeout-seconds 30]
//                 [--out <map>] (jet) [--sql "<statement>[;<statement>...]"] (sql)
//
// put      writes <prefix><i> -> value-<i> for i in [0, count)
// get      reads those keys back; "found" counts entries present with the right value
// size     map size
// members  number of members the client sees (and their addresses)
// clear    empties the map
// jet      submits a batch Jet job (no user classes: Sources.map(--map) -> Sinks.map(--out)), waits for it to end;
//          "status" is the job's final status, "copied" the size of --out afterwards
// sql      runs each ';'-separated statement; "rows" holds the last one's rows (every column as a string),
//          "updateCounts" every statement's update count (-1 for a query)
//
// Prints exactly one JSON line on stdout, e.g. {"ok":true,"op":"get","map":"e2e","count":100,"found":100}, and
// exits 0; on failure {"ok":false,"op":"get","error":"..."} and exit 1; exit 2 when --timeout-seconds ran out
// (connecting included: the client gives up connecting after that time, it does not retry forever).
// Hazelcast's own logging goes to stderr at WARNING.
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.YamlClientConfigBuilder;
import com.hazelcast.client.impl.clientside.HazelcastClientProxy;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.jet.Job;
import com.hazelcast.jet.config.JobConfig;
import com.hazelcast.jet.pipeline.Pipeline;
import com.hazelcast.jet.pipeline.Sinks;
import com.hazelcast.jet.pipeline.Sources;
import com.hazelcast.map.IMap;
import com.hazelcast.sql.SqlResult;
import com.hazelcast.sql.SqlRow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

public final class HzE2eClient {
    private static final int BATCH = 500;

    public static void main(String[] argv) {
        Map<String, String> a = parse(argv);
        String op = a.getOrDefault("op", "");
        long timeoutSeconds = Long.parseLong(a.getOrDefault("timeout-seconds", "30"));
        // A watchdog bounds everything (connect, operations, shutdown).
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(timeoutSeconds * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            System.out.println(json(false, op, Map.of("error", "timeout after " + timeoutSeconds + " s")));
            System.out.flush();
            Runtime.getRuntime().halt(2);
        }, "hz-e2e-client-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        if (op.equals("copy-remote") || op.equals("stop-streams") || op.equals("watch")) upgradeOp(op, parse(argv), timeoutSeconds); // scenario (u)

        HazelcastInstance client = null;
        int code;
        try {
            if (!Set.of("put", "get", "size", "members", "clear", "jet", "sql").contains(op)) {
                throw new IllegalArgumentException("--op must be put, get, size, members, clear, jet or sql, not '" + op + "'");
            }
            Logger.getLogger("").setLevel(Level.WARNING);
            Logger.getLogger("com.hazelcast").setLevel(Level.WARNING);
            ClientConfig config;
            if (a.containsKey("client-config")) {
                // hazelcast-client.yaml as an app mounts it (HazelcastCluster.addClientConfig): taken as it is
                config = new YamlClientConfigBuilder(a.get("client-config")).build();
            } else {
                config = new ClientConfig();
                config.setClusterName(require(a, "cluster"));
                for (String addr : require(a, "address").split(",")) config.getNetworkConfig().addAddress(addr.trim());
                config.getNetworkConfig().setSmartRouting(Boolean.parseBoolean(a.getOrDefault("smart", "true")));
                long connectMillis = Math.max(1000L, timeoutSeconds * 1000L - 1000L);
                config.getNetworkConfig().setConnectionTimeout((int) Math.min(connectMillis, 5000L));
                config.getConnectionStrategyConfig().getConnectionRetryConfig()
                        .setClusterConnectTimeoutMillis(connectMillis)
                        .setInitialBackoffMillis(200)
                        .setMaxBackoffMillis(1000);
            }
            config.setProperty("hazelcast.logging.type", "jdk");
            config.setProperty("hazelcast.phone.home.enabled", "false");
            client = HazelcastClient.newHazelcastClient(config);

            String mapName = a.getOrDefault("map", "e2e");
            int count = Integer.parseInt(a.getOrDefault("count", "100"));
            String prefix = a.getOrDefault("prefix", "key-");
            Map<String, Object> out = new LinkedHashMap<>();
            switch (op) {
                case "put": {
                    IMap<String, String> map = client.getMap(mapName);
                    for (int from = 0; from < count; from += BATCH) {
                        Map<String, String> batch = new HashMap<>();
                        for (int i = from; i < Math.min(count, from + BATCH); i++) batch.put(prefix + i, "value-" + i);
                        map.putAll(batch);
                    }
                    out.put("map", mapName);
                    out.put("written", count);
                    break;
                }
                case "get": {
                    IMap<String, String> map = client.getMap(mapName);
                    int found = 0;
                    int wrong = 0;
                    for (int from = 0; from < count; from += BATCH) {
                        Set<String> keys = new HashSet<>();
                        for (int i = from; i < Math.min(count, from + BATCH); i++) keys.add(prefix + i);
                        Map<String, String> got = map.getAll(keys);
                        for (Map.Entry<String, String> e : got.entrySet()) {
                            String i = e.getKey().substring(prefix.length());
                            if (("value-" + i).equals(e.getValue())) found++; else wrong++;
                        }
                    }
                    out.put("map", mapName);
                    out.put("count", count);
                    out.put("found", found);
                    out.put("missing", count - found - wrong);
                    out.put("wrong", wrong);
                    break;
                }
                case "size":
                    out.put("map", mapName);
                    out.put("size", client.getMap(mapName).size());
                    break;
                case "clear":
                    client.getMap(mapName).clear();
                    out.put("map", mapName);
                    break;
                case "members": {
                    List<String> members = new ArrayList<>();
                    for (Member m : client.getCluster().getMembers()) members.add(m.getAddress().toString());
                    out.put("members", members.size());
                    out.put("addresses", members);
                    // the client's open member connections: a smart client opens one to every member (on its pod
                    // address) soon after it connected through the Service
                    var connections = ((HazelcastClientProxy) client).client.getConnectionManager();
                    long until = System.currentTimeMillis() + 15_000;
                    while (connections.getActiveConnections().size() < members.size() && System.currentTimeMillis() < until) Thread.sleep(200);
                    out.put("connections", connections.getActiveConnections().size());
                    if (a.containsKey("attribute")) {
                        List<Object> values = new ArrayList<>();
                        for (Member m : client.getCluster().getMembers()) values.add(m.getAttribute(a.get("attribute")));
                        out.put("attributes", values);
                    }
                    break;
                }
                case "jet": {
                    String outMap = require(a, "out");
                    Pipeline p = Pipeline.create();
                    p.readFrom(Sources.<String, String>map(mapName)).writeTo(Sinks.map(outMap));
                    Job job = client.getJet().newJob(p, new JobConfig().setName("e2e-copy-" + mapName + "-" + outMap));
                    job.join();
                    out.put("map", mapName);
                    out.put("out", outMap);
                    out.put("job", job.getName());
                    out.put("status", job.getStatus().toString());
                    out.put("copied", client.getMap(outMap).size());
                    break;
                }
                case "sql": {
                    List<Object> rows = new ArrayList<>();
                    List<Object> columnNames = new ArrayList<>();
                    List<Object> updateCounts = new ArrayList<>();
                    for (String statement : require(a, "sql").split(";")) {
                        if (statement.isBlank()) continue;
                        rows = new ArrayList<>();
                        try (SqlResult result = client.getSql().execute(statement.trim())) {
                            updateCounts.add(result.updateCount());
                            if (result.isRowSet()) {
                                int columns = result.getRowMetadata().getColumnCount();
                                columnNames = new ArrayList<>();
                                for (int c = 0; c < columns; c++) columnNames.add(result.getRowMetadata().getColumn(c).getName());
                                for (SqlRow row : result) {
                                    List<Object> cells = new ArrayList<>();
                                    for (int c = 0; c < columns; c++) cells.add(String.valueOf((Object) row.getObject(c)));
                                    rows.add(cells);
                                }
                            }
                        }
                    }
                    out.put("updateCounts", updateCounts);
                    out.put("columns", columnNames);
                    out.put("rows", rows);
                    break;
                }
                default:
                    throw new IllegalStateException(op);
            }
            System.out.println(json(true, op, out));
            code = 0;
        } catch (Throwable t) {
            String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
            System.out.println(json(false, op, Map.of("error", msg)));
            code = 1;
        }
        System.out.flush();
        if (client != null) {
            try {
                client.shutdown();
            } catch (Throwable ignored) {
                // exiting anyway
            }
        }
        Runtime.getRuntime().halt(code);
    }

    // Scenario (u), the blue/green upgrade; each op builds its own client, prints one JSON line and halts the JVM.
    //
    // copy-remote  --address <new cluster> --cluster <its name> --from <old cluster host:port> --from-cluster <name>
    //              --maps a,b [--stream a]: submits, to the new cluster, one batch Jet job per map of --maps that
    //              reads the map of the old cluster remotely (Sources.remoteMap with a ClientConfig, Community
    //              Edition) into the same map, and waits for each; "copied" is each map's size on the new cluster
    //              afterwards. Then, for each map of --stream (whose event journal the old members keep), one
    //              streaming job "upgrade-stream-<map>" that replays the old map's journal from its oldest event
    //              (Sources.remoteMapJournal, START_FROM_OLDEST) into the same map and keeps following it; the op
    //              returns once each is RUNNING. Batch first, journal after: every write the batch missed is an
    //              event after the batch began, which the journal still holds (if its capacity outlasts the copy)
    //              and replays in order per key, so each key ends at its last write on the old cluster.
    //              With --queues q, it also copies each queue once, through a client of the old cluster: its
    //              items in order, without taking them.
    // stop-streams --maps a: cancels the streaming jobs of those maps on the --address cluster; reports the status
    //              each had before ("RUNNING" unless its source failed) and each map's size.
    // watch        --duration-seconds N [--map data --count 10000] [--own watch] [--control <map>] [--stop-map <map>]:
    //              every 100 ms reads one entry of --map (checking value-<i>) and writes <n> -> time into --own (and
    //              into --control), until N seconds have passed or (checked every 10th round) --stop-map holds the
    //              key "stop"; reconnects to whatever cluster the address leads to. The client is the one the
    //              README's upgrade section asks for: it retries connecting for as long as --timeout-seconds, and
    //              redoes an operation whose connection closed under it (redo-operation: a put of the same key
    //              and value twice is harmless; an increment would count twice), within a 30 s invocation
    //              timeout. Reports reads, writes (and the last index written), failures, wrong values, the
    //              longest time without a success and when it was, and each distinct member list it saw, in
    //              order, with the time it first saw it.
    private static void upgradeOp(String op, Map<String, String> a, long timeoutSeconds) {
        Map<String, Object> out = new LinkedHashMap<>();
        int code = 0;
        HazelcastInstance client = null;
        try {
            Logger.getLogger("").setLevel(Level.WARNING);
            Logger.getLogger("com.hazelcast").setLevel(Level.WARNING);
            ClientConfig config = new ClientConfig();
            config.setClusterName(require(a, "cluster"));
            config.setProperty("hazelcast.logging.type", "jdk");
            config.setProperty("hazelcast.phone.home.enabled", "false");
            config.setProperty("hazelcast.client.invocation.timeout.seconds", "30");
            config.getNetworkConfig().setRedoOperation(op.equals("watch"));
            for (String addr : require(a, "address").split(",")) config.getNetworkConfig().addAddress(addr.trim());
            config.getNetworkConfig().setSmartRouting(Boolean.parseBoolean(a.getOrDefault("smart", "true")));
            config.getConnectionStrategyConfig().getConnectionRetryConfig()
                    .setClusterConnectTimeoutMillis(timeoutSeconds * 1000L).setInitialBackoffMillis(200).setMaxBackoffMillis(1000);
            client = HazelcastClient.newHazelcastClient(config);
            if (op.equals("copy-remote")) {
                ClientConfig from = new ClientConfig();
                from.setClusterName(require(a, "from-cluster"));
                from.setProperty("hazelcast.phone.home.enabled", "false");
                for (String addr : require(a, "from").split(",")) from.getNetworkConfig().addAddress(addr.trim());
                Map<String, Object> copied = new LinkedHashMap<>();
                for (String map : require(a, "maps").split(",")) {
                    com.hazelcast.jet.pipeline.Pipeline p = com.hazelcast.jet.pipeline.Pipeline.create();
                    p.readFrom(com.hazelcast.jet.pipeline.Sources.<Object, Object>remoteMap(map, from))
                            .writeTo(com.hazelcast.jet.pipeline.Sinks.map(map));
                    com.hazelcast.jet.Job job = client.getJet().newJob(p,
                            new com.hazelcast.jet.config.JobConfig().setName("upgrade-copy-" + map + "-" + System.currentTimeMillis()));
                    job.join();
                    copied.put(map, client.getMap(map).size() + " (" + job.getStatus() + ")");
                }
                out.put("copied", copied.toString());
                Map<String, Object> streams = new LinkedHashMap<>();
                for (String map : a.getOrDefault("stream", "").split(",")) {
                    if (map.isEmpty()) continue;
                    com.hazelcast.jet.pipeline.Pipeline p = com.hazelcast.jet.pipeline.Pipeline.create();
                    p.readFrom(com.hazelcast.jet.pipeline.Sources.<Object, Object>remoteMapJournal(map, from,
                                    com.hazelcast.jet.pipeline.JournalInitialPosition.START_FROM_OLDEST))
                            .withoutTimestamps()
                            .writeTo(com.hazelcast.jet.pipeline.Sinks.map(map));
                    com.hazelcast.jet.Job job = client.getJet().newJob(p,
                            new com.hazelcast.jet.config.JobConfig().setName("upgrade-stream-" + map));
                    while (job.getStatus() != com.hazelcast.jet.core.JobStatus.RUNNING) {
                        if (job.getStatus().isTerminal()) throw new IllegalStateException("upgrade-stream-" + map + " ended: " + job.getStatus());
                        Thread.sleep(200);
                    }
                    streams.put(map, job.getStatus().toString());
                }
                out.put("streams", streams.toString());
                // Queues: no journal, so a point-in-time copy through a client of the old cluster (the items in
                // order, without taking them).
                if (a.containsKey("queues")) {
                    HazelcastInstance oldClient = HazelcastClient.newHazelcastClient(from);
                    try {
                        Map<String, Object> others = new LinkedHashMap<>();
                        for (String q : a.getOrDefault("queues", "").split(",")) {
                            if (q.isEmpty()) continue;
                            Object[] items = oldClient.getQueue(q).toArray();
                            for (Object item : items) client.getQueue(q).offer(item);
                            others.put("queue " + q, items.length);
                        }
                        out.put("others", others.toString());
                    } finally {
                        oldClient.shutdown();
                    }
                }
            } else if (op.equals("stop-streams")) {
                Map<String, Object> stopped = new LinkedHashMap<>();
                for (String map : require(a, "maps").split(",")) {
                    com.hazelcast.jet.Job job = client.getJet().getJob("upgrade-stream-" + map);
                    if (job == null) throw new IllegalStateException("no job upgrade-stream-" + map);
                    String status = job.getStatus().toString();
                    if (!job.getStatus().isTerminal()) job.cancel();
                    stopped.put(map, status + ", size " + client.getMap(map).size());
                }
                out.put("stopped", stopped.toString());
            } else {
                long until = System.currentTimeMillis() + Long.parseLong(require(a, "duration-seconds")) * 1000L;
                IMap<String, String> data = client.getMap(a.getOrDefault("map", "data"));
                IMap<Integer, Long> own = client.getMap(a.getOrDefault("own", "watch"));
                IMap<Integer, Long> control = a.containsKey("control") ? client.getMap(a.get("control")) : null;
                int count = Integer.parseInt(a.getOrDefault("count", "10000"));
                long start = System.currentTimeMillis(), lastOk = start, longest = 0, longestAt = 0;
                int reads = 0, writes = 0, controlWrites = 0, failures = 0, wrong = 0, lastWritten = -1;
                List<String> errors = new ArrayList<>();
                List<String> memberLists = new ArrayList<>();
                String lastMembers = "";
                IMap<String, String> stopMap = a.containsKey("stop-map") ? client.getMap(a.get("stop-map")) : null;
                boolean stopSeen = false;
                for (int i = 0; System.currentTimeMillis() < until && !stopSeen; i++) {
                    try {
                        if (stopMap != null && i % 10 == 0 && stopMap.containsKey("stop")) { stopSeen = true; continue; }
                        int k = (int) ((i * 7919L) % count);
                        if (!("value-" + k).equals(data.get("key-" + k))) wrong++;
                        reads++;
                        own.put(i, System.currentTimeMillis());
                        writes++;
                        lastWritten = i;
                        if (control != null) {
                            control.put(i, System.currentTimeMillis());
                            controlWrites++;
                        }
                        long now = System.currentTimeMillis();
                        if (now - lastOk > longest) { longest = now - lastOk; longestAt = (lastOk - start) / 1000; }
                        lastOk = now;
                        List<String> members = new ArrayList<>();
                        for (Member m : client.getCluster().getMembers()) members.add(m.getAddress().getHost());
                        java.util.Collections.sort(members);
                        String seen = String.join(" ", members);
                        if (!seen.equals(lastMembers)) { memberLists.add((now - start) / 1000 + "s: " + seen); lastMembers = seen; }
                    } catch (Exception e) {
                        failures++;
                        if (errors.size() < 5) errors.add((System.currentTimeMillis() - start) / 1000 + "s: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                    Thread.sleep(100);
                }
                out.put("reads", reads);
                out.put("writes", writes);
                out.put("lastWritten", lastWritten);
                out.put("controlWrites", controlWrites);
                out.put("stoppedBy", stopSeen ? "stop key" : "duration");
                out.put("failures", failures);
                out.put("wrong", wrong);
                out.put("longestGapMs", longest);
                out.put("longestGapStartedAtS", longestAt);
                out.put("memberLists", memberLists);
                out.put("errors", errors);
            }
            System.out.println(json(true, op, out));
        } catch (Throwable t) {
            System.out.println(json(false, op, Map.of("error", t.getClass().getSimpleName() + ": " + t.getMessage())));
            code = 1;
        }
        System.out.flush();
        if (client != null) {
            try {
                client.shutdown();
            } catch (Throwable ignored) {
                // exiting anyway
            }
        }
        Runtime.getRuntime().halt(code);
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String k = argv[i];
            if (!k.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + k + "'");
            int eq = k.indexOf('=');
            if (eq > 0) {
                a.put(k.substring(2, eq), k.substring(eq + 1));
            } else if (i + 1 < argv.length) {
                a.put(k.substring(2), argv[++i]);
            } else {
                throw new IllegalArgumentException("missing value for " + k);
            }
        }
        return a;
    }

    private static String require(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("--" + key + " is required");
        return v;
    }

    private static String json(boolean ok, String op, Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder("{\"ok\":").append(ok).append(",\"op\":").append(quote(op));
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            sb.append(',').append(quote(e.getKey())).append(':').append(value(e.getValue()));
        }
        return sb.append('}').toString();
    }

    private static String value(Object v) {
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        if (v instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) sb.append(i == 0 ? "" : ",").append(value(list.get(i)));
            return sb.append(']').toString();
        }
        return quote(String.valueOf(v));
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c)); else sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
