// Lines Hazelcast 5.7 really prints, matched by the scenarios (each is seen matching in at least one scenario).

/** A member list: `Members {size:4, ver:6} [` (Hazelcast 5's form of the tutorial's `Members [4]`). */
export const membersLine = (size: number) => new RegExp(`Members \\{size:${size}, ver:\\d+\\} \\[`);

/** The split-brain merge: `[10.244.1.5]:5701 is merging [tcp/ip] to [10.244.2.7]:5701`. */
export const MERGE_LINE = / is merging \[[^\]]+\] to /;

/** Discovery refused by RBAC (the Kubernetes discovery plugin's warning). */
export const API_FORBIDDEN = /Kubernetes API access is forbidden/;
