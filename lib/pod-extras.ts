// What a platform adds to the member pods beyond the stack's defaults (labels, annotations, volumes, init
// containers, sidecars), checked so that none of it breaks a stack guarantee: the selector label, the names and
// paths the stack uses, and Pod Security "restricted" for every container.
import * as k8s from '../imports/k8s';
import { checkApiType } from './api-schema';
import { checkAnnotations, checkContainer, checkVolumeSource } from './kubernetes-rules';
import { checkDns1123Label, checkLabel, show } from './validation';

/** The security context of every container in the pod: what Pod Security "restricted" asks of a container. */
export const RESTRICTED_CONTAINER: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/**
 * `container` with the restricted security context filled in; refused, naming `prop`, when it asks for less
 * (privileged, privilege escalation, root, added capabilities, no seccomp, host ports).
 */
export function restrictedContainer(prop: string, container: k8s.Container): k8s.Container {
  const given = container.securityContext ?? {};
  const refuse = (what: string) => new Error(`'${prop}' container ${show(container.name)} ${what}: every container of the `
    + 'pod must pass Pod Security "restricted" like the member; remove it from its securityContext');
  if (given.privileged === true) throw refuse('is privileged');
  if (given.allowPrivilegeEscalation === true) throw refuse('allows privilege escalation');
  if (given.runAsNonRoot === false || given.runAsUser === 0) throw refuse('runs as root');
  if (given.seccompProfile?.type === 'Unconfined') throw refuse('has an Unconfined seccomp profile');
  if (given.procMount === 'Unmasked') throw refuse('unmasks /proc');
  if (given.windowsOptions?.hostProcess === true) throw refuse('is a host process');
  const added = (given.capabilities?.add ?? []).filter((c) => c !== 'NET_BIND_SERVICE');
  if (added.length > 0) throw refuse(`adds capabilities ${added.join(', ')} (only NET_BIND_SERVICE may be added)`);
  if (given.capabilities?.drop !== undefined && !given.capabilities.drop.includes('ALL')) throw refuse('does not drop ALL capabilities');
  const hostPort = container.ports?.find((p) => p.hostPort !== undefined);
  if (hostPort) throw refuse(`uses host port ${hostPort.hostPort}`);
  return {
    ...container,
    securityContext: {
      ...RESTRICTED_CONTAINER,
      ...given,
      capabilities: { drop: ['ALL'], ...given.capabilities },
    },
  };
}

/** Checks containers of `prop`: valid, unique names that the stack does not use, restricted security context. */
export function extraContainers(prop: string, containers: k8s.Container[] | undefined, taken: Set<string>,
  ports: { readonly [port: number]: string } = {}): k8s.Container[] {
  return (containers ?? []).map((container, i) => {
    checkApiType(`${prop}[${i}]`, 'Container', container);
    // Containers of a pod share its network: a second listener on a member port would take it away.
    const clash = container.ports?.find((p) => p.containerPort in ports);
    if (clash) {
      throw new Error(`'${prop}' container ${show(container.name)} port ${clash.containerPort} is the member's; `
        + `it follows ${ports[clash.containerPort]}; use another port`);
    }
    checkDns1123Label(`${prop}[].name`, container.name);
    checkContainer(prop, container);
    if (taken.has(container.name)) {
      throw new Error(`'${prop}' container name ${show(container.name)} is taken (by the stack or another container); `
        + `use another name than ${[...taken].join(', ')}`);
    }
    taken.add(container.name);
    return restrictedContainer(prop, container);
  });
}

/** Checks extra volumes: unique names the stack does not use, no hostPath. */
export function extraVolumes(volumes: k8s.Volume[] | undefined, taken: Set<string>): k8s.Volume[] {
  return (volumes ?? []).map((volume, i) => {
    checkApiType(`extraVolumes[${i}]`, 'Volume', volume);
    checkDns1123Label('extraVolumes[].name', volume.name);
    checkVolumeSource('extraVolumes', volume);
    if (taken.has(volume.name)) {
      throw new Error(`'extraVolumes' name ${show(volume.name)} is taken; use another name than ${[...taken].join(', ')}`);
    }
    if (volume.hostPath !== undefined) {
      throw new Error(`'extraVolumes' ${show(volume.name)} is a hostPath volume, which Pod Security "restricted" forbids`);
    }
    taken.add(volume.name);
    return volume;
  });
}

/** Checks the member's extra mounts: of a volume the pod has, not on a path the stack mounts. */
export function extraMounts(mounts: k8s.VolumeMount[] | undefined, volumes: Set<string>, stackPaths: string[]): k8s.VolumeMount[] {
  return (mounts ?? []).map((mount, i) => {
    checkApiType(`extraVolumeMounts[${i}]`, 'VolumeMount', mount);
    if (!volumes.has(mount.name)) {
      throw new Error(`'extraVolumeMounts' ${show(mount.mountPath)} names volume ${show(mount.name)}, which the pod does not `
        + `have; add it to extraVolumes (the pod has ${[...volumes].join(', ')})`);
    }
    const clash = stackPaths.find((p) => mount.mountPath === p || mount.mountPath.startsWith(`${p}/`) || p.startsWith(`${mount.mountPath.replace(/\/$/, '')}/`));
    if (clash !== undefined) {
      throw new Error(`'extraVolumeMounts' path ${show(mount.mountPath)} overlaps ${show(clash)}, which the stack mounts; `
        + 'use another path');
    }
    return mount;
  });
}

/** Checks pod labels or annotations against what the stack sets on the pods. */
export function extraPodMetadata(prop: 'podLabels' | 'podAnnotations', given: { readonly [key: string]: string } | undefined,
  stack: { readonly [key: string]: string }): { readonly [key: string]: string } {
  for (const [key, value] of Object.entries(given ?? {})) {
    if (prop === 'podLabels') checkLabel(prop, key, value);
    else checkAnnotations(prop, { [key]: value });
    if (key in stack) {
      throw new Error(`'${prop}' key ${show(key)} is set by the stack; it follows ${stack[key]}`);
    }
  }
  return given ?? {};
}
