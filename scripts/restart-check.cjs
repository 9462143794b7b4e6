// What applying a new dist/ would do to the members of the clusters the previous dist/ runs, as far as the YAML
// tells: changes that stop every member at once, or that the one-member-at-a-time rolling update cannot carry out
// without losing the in-memory data. `npm run synth` (scripts/synth.cjs) refuses them unless told
// `--allow-full-restart=<namespace>/<name>` (or `all`), and then only warns.
//
//   - the member Deployment (or StatefulSet) is gone (the cluster was removed, or its `name` or `namespace` changed): the pruning
//     apply deletes every member at once; the same when `externalAccess` turns the Deployment into a StatefulSet
//     or back;
//   - `replicas` goes to 0: every member stops;
//   - the cluster name changes: new members never join the old ones, they form a new, empty cluster, and the
//     rolling update then stops the old members one by one until the last one takes the data with it;
//   - the partition count changes: members with different partition counts never join each other (the same);
//   - partition grouping changes (`zoneAware` on or off): Hazelcast's join check refuses a member whose partition
//     groups differ ("Incompatible partition groups!"), so the rolling update's new pod restarts again and again
//     and the rollout never completes (seen in e2e scenario q before it parked the cluster for that knob);
//   - the Hazelcast Community Edition image moves to another major.minor: a member of another minor version is
//     refused by the cluster (Rolling Member Upgrades are Enterprise-only) and shuts down; the rolling update's new
//     pod restarts again and again and the rollout never completes (e2e scenario u). Use the blue/green upgrade.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DEFAULT_PARTITION_COUNT = 271;

/** Every object of every YAML file in a folder (none when the folder does not exist). */
function loadDist(dir) {
  if (!fs.existsSync(dir)) return [];
  const { Yaml } = require('cdk8s');
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
    .flatMap((f) => Yaml.load(path.join(dir, f)).filter((d) => d && typeof d === 'object'));
}

/** Hazelcast version of a Community Edition image tag (`.../hazelcast:5.6.0`), or undefined (Enterprise, digests, own tags). */
function ceVersion(image) {
  const m = /(?:^|\/)hazelcast:(\d+)\.(\d+)(?:\.(\d+))?(?:[-@].*)?$/.exec(image ?? '');
  return m ? { minor: `${m[1]}.${m[2]}`, tag: image.slice(image.lastIndexOf(':') + 1) } : undefined;
}

function partitionCount(deployment, configMaps) {
  const container = memberContainer(deployment);
  const opts = (container?.env ?? []).find((e) => e.name === 'JAVA_OPTS')?.value ?? '';
  const fromJvm = /-Dhazelcast\.partition\.count=(\d+)/.exec(opts);
  if (fromJvm) return Number(fromJvm[1]);
  const volume = (deployment.spec?.template?.spec?.volumes ?? []).find((v) => v.configMap);
  const config = volume ? configMaps.get(`${deployment.metadata.namespace}/${volume.configMap.name}`) : undefined;
  const fromConfig = /["']?hazelcast\.partition\.count["']?\s*:\s*["']?(\d+)/.exec(config ?? '');
  return fromConfig ? Number(fromConfig[1]) : DEFAULT_PARTITION_COUNT;
}

/** The partition grouping the stack sets through the member env (`zoneAware`), or 'none'. */
function partitionGroup(container) {
  const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
  return env.HZ_PARTITIONGROUP_ENABLED === 'true' ? (env.HZ_PARTITIONGROUP_GROUPTYPE ?? 'PER_MEMBER') : 'none';
}

function memberContainer(deployment) {
  return (deployment.spec?.template?.spec?.containers ?? []).find((c) => c.name === 'hazelcast');
}

/** The Hazelcast member workloads of a dist/ (Deployments, or StatefulSets with `externalAccess`; the stack labels them), by `<namespace>/<name>`. */
function memberClusters(docs) {
  const configMaps = new Map(docs.filter((d) => d.kind === 'ConfigMap')
    .map((d) => [`${d.metadata?.namespace}/${d.metadata?.name}`, Object.values(d.data ?? {}).join('\n')]));
  const clusters = new Map();
  for (const d of docs) {
    const labels = d.metadata?.labels ?? {};
    if ((d.kind !== 'Deployment' && d.kind !== 'StatefulSet') || labels['app.kubernetes.io/name'] !== 'hazelcast' || labels['app.kubernetes.io/component'] !== 'member') continue;
    const container = memberContainer(d);
    clusters.set(`${d.metadata.namespace}/${d.metadata.name}`, {
      kind: d.kind,
      replicas: d.spec?.replicas ?? 1,
      image: container?.image,
      clusterName: (container?.env ?? []).find((e) => e.name === 'HZ_CLUSTERNAME')?.value,
      partitionCount: partitionCount(d, configMaps),
      partitionGroup: partitionGroup(container),
    });
  }
  return clusters;
}

/**
 * The clusters of `previous` that applying `next` would lose or leave half-rolled: [{ cluster, reason }]. Clusters
 * that had no members (replicas 0) hold no data and are never reported.
 */
function fullRestarts(previous, next) {
  const before = memberClusters(previous);
  const after = memberClusters(next);
  const found = [];
  for (const [cluster, old] of before) {
    if (old.replicas === 0) continue;
    const now = after.get(cluster);
    const report = (reason) => found.push({ cluster, reason });
    if (!now) {
      report(`its member ${old.kind} is no longer in dist/ (cluster removed, or its name or namespace changed): the pruning apply deletes all ${old.replicas} members at once, and their data with them`);
      continue;
    }
    if (now.kind !== old.kind) {
      report(`the members move from a ${old.kind} to a ${now.kind} (externalAccess turned ${now.kind === 'StatefulSet' ? 'on' : 'off'}): the pruning apply deletes all ${old.replicas} members of the ${old.kind} at once, while the new ones are only starting, and the data goes with them`);
    }
    if (now.replicas === 0) report(`replicas ${old.replicas} -> 0 stops every member, and the data is gone`);
    if (now.clusterName !== old.clusterName) {
      report(`cluster name ${JSON.stringify(old.clusterName)} -> ${JSON.stringify(now.clusterName)}: new members never join the old ones and form a new, empty cluster; the rolling update stops the old members one by one and the last one takes the data with it`);
    }
    if (now.partitionCount !== old.partitionCount) {
      report(`partition count ${old.partitionCount} -> ${now.partitionCount}: members with different partition counts never join each other; the new ones form a new, empty cluster and the data goes with the last old member`);
    }
    if (now.partitionGroup !== old.partitionGroup) {
      report(`partition groups ${old.partitionGroup} -> ${now.partitionGroup} (zoneAware turned ${now.partitionGroup === 'none' ? 'off' : 'on'}): Hazelcast refuses a member whose partition groups differ from the cluster's ("Incompatible partition groups!"), so the rolling update's new pod restarts again and again and the rollout never completes; park the cluster (replicas 0) or move blue/green`);
    }
    const from = ceVersion(old.image);
    const to = ceVersion(now.image);
    if (from && to && from.minor !== to.minor) {
      report(`image ${from.tag} -> ${to.tag}: Community Edition members of another minor version are refused by the cluster ("Rolling Member Upgrades are only supported in Hazelcast Enterprise") and shut down, so the rolling update's new pod restarts again and again and the rollout never completes; only deleting the old members (and the data) would finish it. Upgrade blue/green instead (docs/how-to/upgrade.md)`);
    }
  }
  return found;
}

/** Reads `--allow-full-restart=<ns>/<name>,...` (or `all`) from argv. */
function allowedFromArgv(argv) {
  const allowed = new Set();
  for (const a of argv) {
    const m = /^--allow-full-restart=(.+)$/.exec(a);
    if (!m) throw new Error(`unknown argument '${a}' (synth takes --app=<command>, --output=<dir> and --allow-full-restart=<namespace>/<name>[,...] or --allow-full-restart=all)`);
    for (const c of m[1].split(',')) allowed.add(c.trim());
  }
  return allowed;
}

/** Splits what `fullRestarts` found into what the opt-in allows and what it does not. */
function judge(found, allowed) {
  const ok = (f) => allowed.has('all') || allowed.has(f.cluster);
  return { refused: found.filter((f) => !ok(f)), allowed: found.filter(ok) };
}

module.exports = { loadDist, memberClusters, fullRestarts, allowedFromArgv, judge, ceVersion };
