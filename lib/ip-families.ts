// IPv4, IPv6 and dual stack: the Services' IP families and the JVM flags that make the members bind and announce
// the family that comes first.
import { show } from './validation';

const FAMILIES = ['IPv4', 'IPv6'] as const;
const POLICIES = ['SingleStack', 'PreferDualStack', 'RequireDualStack'] as const;

/** What the stack decided from `ipFamilies` and `ipFamilyPolicy`. */
export interface IpFamilySettings {
  /** The Services' `ipFamilies`, when given. */
  readonly families?: ('IPv4' | 'IPv6')[];
  /** The Services' `ipFamilyPolicy`, when families or a policy are given. */
  readonly policy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  /** The members prefer IPv6 (the first family is IPv6). */
  readonly preferIPv6: boolean;
}

/** Checks `ipFamilies` and `ipFamilyPolicy` against each other. */
export function resolveIpFamilies(p: {
  readonly ipFamilies?: ('IPv4' | 'IPv6')[];
  readonly ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
}): IpFamilySettings {
  const families = p.ipFamilies;
  if (families !== undefined) {
    if (!Array.isArray(families) || families.length < 1 || families.length > 2
      || families.some((f) => !FAMILIES.includes(f)) || new Set(families).size !== families.length) {
      throw new Error(`'ipFamilies' (${show(families)}) must be ["IPv4"], ["IPv6"], ["IPv4", "IPv6"] or ["IPv6", "IPv4"]`);
    }
  }
  if (p.ipFamilyPolicy !== undefined && !POLICIES.includes(p.ipFamilyPolicy)) {
    throw new Error(`'ipFamilyPolicy' (${show(p.ipFamilyPolicy)}) must be "SingleStack", "PreferDualStack" or "RequireDualStack"`);
  }
  const policy = p.ipFamilyPolicy ?? (families === undefined ? undefined : families.length === 2 ? 'PreferDualStack' : 'SingleStack');
  if (families?.length === 2 && policy === 'SingleStack') {
    throw new Error(`'ipFamilyPolicy' ("SingleStack") takes one family, but 'ipFamilies' names two (${families.join(', ')}): use "PreferDualStack" or "RequireDualStack"`);
  }
  if (families?.length === 1 && policy === 'RequireDualStack') {
    throw new Error(`'ipFamilyPolicy' ("RequireDualStack") needs two families, but 'ipFamilies' names one (${families[0]})`);
  }
  return { families, policy, preferIPv6: families?.[0] === 'IPv6' };
}

/**
 * The JVM options for the members' address family. IPv6 first needs three: the official image's JAVA_OPTS_DEFAULT
 * sets `-Djava.net.preferIPv4Stack=true` (an IPv4-only JVM, and Hazelcast then picks only IPv4), which the stack's
 * JAVA_OPTS, coming after it, turns off; Hazelcast's own IPv4 preference off; and IPv6 addresses preferred, so that
 * on a dual-stack pod the member announces its IPv6 address (seen on the e2e nodes: without the first, members on
 * dual-stack pods announced IPv4 and found no one on the IPv6 endpoints). IPv4 is the image's own choice.
 */
export function ipFamilyJvmOptions(s: IpFamilySettings): string[] {
  return s.preferIPv6 ? ['-Djava.net.preferIPv4Stack=false', '-Djava.net.preferIPv6Addresses=true', '-Dhazelcast.prefer.ipv4.stack=false'] : [];
}

/** The Service spec fields for the families. */
export function ipFamilyServiceSpec(s: IpFamilySettings): { ipFamilies?: string[]; ipFamilyPolicy?: string } {
  return {
    ...(s.families ? { ipFamilies: [...s.families] } : {}),
    ...(s.policy ? { ipFamilyPolicy: s.policy } : {}),
  };
}
