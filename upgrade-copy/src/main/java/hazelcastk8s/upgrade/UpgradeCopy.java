package hazelcastk8s.upgrade;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.jet.Job;
import com.hazelcast.jet.config.JobConfig;
import com.hazelcast.jet.core.JobStatus;
import com.hazelcast.jet.pipeline.JournalInitialPosition;
import com.hazelcast.jet.pipeline.Pipeline;
import com.hazelcast.jet.pipeline.Sinks;
import com.hazelcast.jet.pipeline.Sources;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The data move of a blue/green upgrade, run by the Job that the stack's HazelcastUpgradeCopy synthesizes
 * (docs/how-to/upgrade.md). It runs in the new cluster's own image, with that image's Hazelcast jar.
 *
 * <ol>
 *   <li>Copy: for each map, a batch Jet job on the new cluster reads the old cluster's map
 *       ({@code Sources.remoteMap}) into the same map; each queue's items are copied once, in order, without
 *       taking them, through a client of the old cluster.</li>
 *   <li>Stream: for each map, a streaming job {@code upgrade-stream-<map>} replays the old map's event journal from
 *       its oldest event ({@code Sources.remoteMapJournal}) and keeps following it. Batch first, journal second:
 *       every write the batch missed is an event after it began, which the journal still holds and replays in
 *       order per key. Once every stream is RUNNING the program listens on the ready port (the pod's readiness
 *       probe): the pod is Ready, the clients can be switched.</li>
 *   <li>Stay until the pod is told to stop (SIGTERM: the user removed the upgrade from the app, with the old
 *       cluster), then wait until the old cluster is unreachable, let the streams drain, cancel them and exit.
 *       If the old cluster is still up when the grace period runs out, the streams are left running (nothing is
 *       lost; cancel them by hand).</li>
 * </ol>
 *
 * A second run finds the streams already there and only waits (the Job never restarts its pod, so this happens
 * only if someone re-creates the Job). Configured by environment variables, which the Job sets.
 */
public final class UpgradeCopy {
    private static final String STREAM_PREFIX = "upgrade-stream-";

    public static void main(String[] args) throws Exception {
        Logger.getLogger("com.hazelcast").setLevel(Level.WARNING);
        String clusterName = env("UPGRADE_CLUSTER_NAME");
        String from = env("UPGRADE_FROM");
        String to = env("UPGRADE_TO");
        List<String> maps = list(env("UPGRADE_MAPS"));
        List<String> queues = list(System.getenv().getOrDefault("UPGRADE_QUEUES", ""));
        int readyPort = Integer.parseInt(env("UPGRADE_READY_PORT"));
        long drainMillis = Long.parseLong(System.getenv().getOrDefault("UPGRADE_DRAIN_SECONDS", "5")) * 1000L;
        if (maps.isEmpty()) throw new IllegalArgumentException("UPGRADE_MAPS is empty");

        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        // SIGTERM: ask main to finish, then hold the JVM until it has (the kubelet's grace period bounds the wait).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopRequested.countDown();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "upgrade-copy-stop"));

        HazelcastInstance target = HazelcastClient.newHazelcastClient(client(clusterName, to, -1));
        try {
            List<Job> streams = new ArrayList<>();
            if (streamsRunning(target, maps)) {
                log("the streams of " + maps + " are already running on " + to + ": not copying again");
                for (String map : maps) streams.add(target.getJet().getJob(STREAM_PREFIX + map));
            } else {
                ClientConfig source = client(clusterName, from, -1);
                for (String map : maps) {
                    Pipeline copy = Pipeline.create();
                    copy.readFrom(Sources.<Object, Object>remoteMap(map, source)).writeTo(Sinks.map(map));
                    Job job = target.getJet().newJob(copy, new JobConfig().setName("upgrade-copy-" + map));
                    job.join();
                    log("copied map " + map + ": " + target.getMap(map).size() + " entries on " + to + " (" + job.getStatus() + ")");
                }
                for (String map : maps) {
                    Pipeline stream = Pipeline.create();
                    stream.readFrom(Sources.<Object, Object>remoteMapJournal(map, source, JournalInitialPosition.START_FROM_OLDEST))
                            .withoutTimestamps()
                            .writeTo(Sinks.map(map));
                    streams.add(target.getJet().newJob(stream, new JobConfig().setName(STREAM_PREFIX + map)));
                }
                if (!queues.isEmpty()) {
                    HazelcastInstance old = HazelcastClient.newHazelcastClient(source);
                    try {
                        for (String queue : queues) {
                            Object[] items = old.getQueue(queue).toArray();
                            for (Object item : items) target.getQueue(queue).offer(item);
                            log("copied queue " + queue + ": " + items.length + " items");
                        }
                    } finally {
                        old.shutdown();
                    }
                }
            }
            for (Job job : streams) {
                while (job.getStatus() != JobStatus.RUNNING) {
                    if (job.getStatus().isTerminal()) throw new IllegalStateException(job.getName() + " ended: " + job.getStatus());
                    Thread.sleep(200);
                }
            }
            try (ServerSocket ready = new ServerSocket(readyPort)) {
                log("streaming " + maps + " from " + from + ": every stream RUNNING, ready (port " + readyPort + ")");
                stopRequested.await();
                log("asked to stop: waiting for " + from + " to be gone");
                waitUntilUnreachable(clusterName, from);
                Thread.sleep(drainMillis);
                for (Job job : streams) {
                    JobStatus status = job.getStatus();
                    if (!status.isTerminal()) job.cancel();
                    log("stream " + job.getName() + " (" + status + ") cancelled; " + target.getMap(job.getName().substring(STREAM_PREFIX.length())).size() + " entries on " + to);
                }
                log("done: " + from + " is gone and every stream is cancelled");
            }
        } finally {
            target.shutdown();
            finished.countDown();
        }
    }

    /** Whether every map's stream exists and is not over (a second run of the program). */
    private static boolean streamsRunning(HazelcastInstance target, List<String> maps) {
        for (String map : maps) {
            Job job = target.getJet().getJob(STREAM_PREFIX + map);
            if (job == null || job.getStatus().isTerminal()) return false;
        }
        return true;
    }

    /** Returns once three connection attempts in a row (each up to 3 s, a second apart) have found no member. */
    private static void waitUntilUnreachable(String clusterName, String address) throws InterruptedException {
        int misses = 0;
        while (misses < 3) {
            try {
                HazelcastClient.newHazelcastClient(client(clusterName, address, 3000)).shutdown();
                misses = 0;
            } catch (RuntimeException unreachable) {
                misses++;
            }
            Thread.sleep(1000);
        }
    }

    /** A client of the cluster behind one address (smart routing: the pods carry the clusters' client labels); connectTimeoutMillis -1 retries for ever. No shutdown hook of its own. */
    private static ClientConfig client(String clusterName, String address, long connectTimeoutMillis) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.getNetworkConfig().addAddress(address);
        config.getConnectionStrategyConfig().getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(connectTimeoutMillis).setInitialBackoffMillis(200).setMaxBackoffMillis(1000);
        return config;
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) throw new IllegalArgumentException(name + " is not set");
        return value;
    }

    private static List<String> list(String csv) {
        List<String> out = new ArrayList<>();
        for (String s : Arrays.asList(csv.split(","))) if (!s.trim().isEmpty()) out.add(s.trim());
        return out;
    }

    private static void log(String message) {
        System.out.println("upgrade-copy: " + message);
        System.out.flush();
    }

    private UpgradeCopy() {
    }
}
