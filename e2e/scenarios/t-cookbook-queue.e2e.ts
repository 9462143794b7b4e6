// (t) A cookbook config taking effect in the members: Cookbook.eventQueue() bounds the queue `events`
// at 1000 items, so the member refuses the next offer (offer returns false, nothing is
// added). Control: a queue the config does not name, on the same members, takes the same offer.
import { afterAll, describe, expect, it } from 'vitest';
import { Cookbook } from '../../lib';
import { createRestrictedNamespace, deleteNamespace, kubectl, synthYaml, waitForCluster, withClient } from '../harness/cluster';

const ns = 'cookbook-queue';
const EVENT_QUEUE_NAME = 'events';
const EVENT_QUEUE_MAX_SIZE = 1000;
const eventQueue = Cookbook.eventQueue({ name: EVENT_QUEUE_NAME, maxSize: EVENT_QUEUE_MAX_SIZE });

describe('cookbook: the event queue', () => {
  afterAll(() => deleteNamespace(ns));

  it(`the members refuse offer number ${EVENT_QUEUE_MAX_SIZE + 1} to '${EVENT_QUEUE_NAME}'; a queue without config takes it`, async () => {
    await createRestrictedNamespace(ns);
    const yaml = synthYaml({ namespace: ns, replicas: 2, config: eventQueue });
    expect(yaml).toMatch(new RegExp(`queue:\\n\\s+${EVENT_QUEUE_NAME}:\\n(\\s+.*\\n)*?\\s+max-size: ${EVENT_QUEUE_MAX_SIZE}\\n`));
    await kubectl(['apply', '-f', '-'], yaml);
    const { pods } = await waitForCluster(ns, 'hazelcast', 2);

    const fill = async (name: string) => withClient('hazelcast', pods, async (client) => {
      const queue = await client.getQueue<string>(name);
      const accepted: boolean[] = [];
      for (let i = 0; i < EVENT_QUEUE_MAX_SIZE; i++) accepted.push(await queue.offer(`event-${i}`));
      const extra = await queue.offer(`event-${EVENT_QUEUE_MAX_SIZE}`);
      return { accepted: accepted.filter(Boolean).length, extra, size: await queue.size(), head: await queue.peek() };
    });

    const bounded = await fill(EVENT_QUEUE_NAME);
    expect(bounded).toEqual({ accepted: EVENT_QUEUE_MAX_SIZE, extra: false, size: EVENT_QUEUE_MAX_SIZE, head: 'event-0' });

    // control: same members, same offers, a queue the config does not name (Hazelcast's default: unbounded)
    const unbounded = await fill('events-unconfigured');
    expect(unbounded).toEqual({ accepted: EVENT_QUEUE_MAX_SIZE, extra: true, size: EVENT_QUEUE_MAX_SIZE + 1, head: 'event-0' });
  });
});
