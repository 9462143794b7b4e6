// Cookbook: a Jet streaming pipeline that reads trades from a map's event journal. Jet stays on (as in the
// image); job resources are not uploaded by clients: the job's classes come from `userCode` (an image with the
// jar), so only what the platform deployed runs on the members. SQL (which runs on Jet) gets a statement timeout.
import type { HazelcastClusterProps, HazelcastConfig } from '../../lib';

export const jetPipeline: HazelcastConfig = {
  'jet': {
    'enabled': true,
    'resource-upload-enabled': false,
    'backup-count': 1,
    'scale-up-delay-millis': 10000,
    'edge-defaults': { 'queue-size': 1024, 'packet-size-limit': 16384, 'receive-window-multiplier': 3 },
  },
  'maps': {
    trades: { 'event-journal': { 'enabled': true, 'capacity': 100000, 'time-to-live-seconds': 0 } },
  },
  'sql': { 'statement-timeout-millis': 30000 },
};

/** The cluster props that go with it: the pipeline's jar on the members' classpath. */
export const jetPipelineProps: HazelcastClusterProps = {
  config: jetPipeline,
  userCode: { image: 'registry.example/trade-pipeline-jars:1.0', path: '/jars' },
};
