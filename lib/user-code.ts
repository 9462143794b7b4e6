// User code on the members' classpath (MapStore/MapLoader, EntryProcessors, domain classes, Jet jobs' classes).
// The Community Edition has no User Code Namespaces, so the jars must be there when the JVM starts. Two ways, both
// with a stock image, dist/ and Kubernetes 1.27 (`image` volumes are alpha in 1.31, beta from 1.33):
// - `image`: an init container from the user's image copies the jars into an emptyDir that the member mounts;
// - `volume`: any volume source holding the jars (a PVC, a CSI volume, a ConfigMap of small jars), mounted read-only.
// Either way the member's CLASSPATH env names the folder: the image's start script (bin/common.sh) appends
// $CLASSPATH to its own classpath.
import * as k8s from '../imports/k8s';
import { checkApiType } from './api-schema';
import { checkImageReference } from './kubernetes-rules';
import { show } from './validation';

/** Where the member container sees the user code. */
export const USER_CODE_DIR = '/data/user-code';
/** The volume (and init container) name of the user code. */
export const USER_CODE_VOLUME = 'user-code';
/** The init container that copies the jars from `userCode.image`. */
export const USER_CODE_INIT_CONTAINER = 'user-code';

/** Where the members' extra jars come from: exactly one of `image` and `volume`. */
export interface UserCode {
  /**
   * An image holding the jars (and anything else for the classpath) under `path`, with a `cp` binary (for example
   * `FROM busybox` + `COPY target/*.jar /jars/`). The files must be readable by uid 65534. An init container copies
   * them into an emptyDir before the member starts, so a new image tag rolls the members.
   * @default - no image
   */
  readonly image?: string;

  /**
   * The folder in `image` to copy.
   * @default "/jars"
   */
  readonly path?: string;

  /**
   * A volume holding the jars at its root, mounted read-only as the volume "user-code": one source of
   * `UserCodeVolume`.
   * @default - no volume
   */
  readonly volume?: UserCodeVolume;
}

/**
 * The source of a user-code volume: exactly one of these, as in a Kubernetes Volume (hostPath is not one: Pod
 * Security "restricted" refuses it).
 */
export interface UserCodeVolume {
  /** @default - not this source */
  readonly persistentVolumeClaim?: k8s.PersistentVolumeClaimVolumeSource;
  /** @default - not this source */
  readonly configMap?: k8s.ConfigMapVolumeSource;
  /** @default - not this source */
  readonly secret?: k8s.SecretVolumeSource;
  /** @default - not this source */
  readonly csi?: k8s.CsiVolumeSource;
  /** @default - not this source */
  readonly ephemeral?: k8s.EphemeralVolumeSource;
  /** @default - not this source */
  readonly nfs?: k8s.NfsVolumeSource;
}

/** What user code adds to the pod. */
export interface UserCodeParts {
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
  readonly env: k8s.EnvVar;
  readonly initContainer?: k8s.Container;
}

/**
 * The volume, the member's mount and CLASSPATH, and (for `image`) the init container. `securityContext` is the
 * member container's (Pod Security "restricted"), which the init container gets too.
 */
export function userCodeParts(userCode: UserCode, securityContext: k8s.SecurityContext): UserCodeParts {
  if ((userCode.image === undefined) === (userCode.volume === undefined)) {
    throw new Error(`'userCode' must set exactly one of 'image' (an image with the jars, copied by an init container) `
      + `and 'volume' (a volume with the jars); it sets ${userCode.image === undefined ? 'neither' : 'both'}`);
  }
  const mount = { name: USER_CODE_VOLUME, mountPath: USER_CODE_DIR, readOnly: true };
  // The folder for loose classes and resources, and every jar in it.
  const env = { name: 'CLASSPATH', value: `${USER_CODE_DIR}:${USER_CODE_DIR}/*` };
  if (userCode.volume !== undefined) {
    checkApiType('userCode.volume', 'Volume', { ...userCode.volume, name: USER_CODE_VOLUME });
    if ('hostPath' in userCode.volume) {
      throw new Error(`'userCode.volume' (hostPath) is refused: Pod Security "restricted" forbids hostPath volumes; `
        + 'use a PVC, a CSI volume, a ConfigMap or userCode.image');
    }
    if (userCode.path !== undefined) {
      throw new Error(`'userCode.path' (${show(userCode.path)}) applies to 'userCode.image' only; a volume is mounted from its root`);
    }
    return { volume: { ...userCode.volume, name: USER_CODE_VOLUME }, mount, env };
  }

  const image = userCode.image!;
  checkImageReference('userCode.image', image);
  const path = userCode.path ?? '/jars';
  if (!/^\/[^\s]*$/.test(path) || path.split('/').includes('..')) {
    throw new Error(`'userCode.path' (${show(path)}) must be an absolute path without white space or '..'`);
  }
  return {
    volume: { name: USER_CODE_VOLUME, emptyDir: {} },
    mount,
    env,
    initContainer: jarCopyContainer(USER_CODE_INIT_CONTAINER, image, path, { name: USER_CODE_VOLUME, mountPath: USER_CODE_DIR }, securityContext),
  };
}

/**
 * An init container that copies `path` of `image` (jars, and a `cp`) into the emptyDir `into`, with small
 * resources: how user code and the upgrade copy's program reach a pod without an image volume.
 */
export function jarCopyContainer(name: string, image: string, path: string, into: { name: string; mountPath: string }, securityContext: k8s.SecurityContext): k8s.Container {
  const small = { 'cpu': k8s.Quantity.fromString('100m'), 'memory': k8s.Quantity.fromString('64Mi'), 'ephemeral-storage': k8s.Quantity.fromString('64Mi') };
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    // `<path>/.` copies the folder's content, hidden files included, into the emptyDir.
    command: ['cp', '-R', `${path.replace(/\/$/, '')}/.`, `${into.mountPath}/`],
    resources: { requests: small, limits: { ...small, cpu: k8s.Quantity.fromString('500m') } },
    securityContext,
    volumeMounts: [into],
  };
}
