// Writes an OCI image layout (oci-layout, index.json, blobs/sha256/...) for one linux/amd64 image into a
// directory, from uncompressed layer tars and an image config. Node 20 built-ins only; used by build.sh, which
// tars the directory into the archive that `ctr -n k8s.io images import --local <tar>` loads.
//
//   node oci-archive.mjs <out-dir> <config.json> <layer.tar>...
//
// config.json: {"ref": "docker.io/hazelcast/hazelcast:5.7.0", "config": {<OCI image config "config" object:
//   User, Env, Entrypoint, Cmd, WorkingDir, ExposedPorts, Labels>}}
// Layers stay uncompressed (application/vnd.oci.image.layer.v1.tar): they are loaded locally, never pushed.
// Timestamps are fixed (created = 1970-01-01), so the same inputs give the same digests.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, copyFileSync, writeFileSync, readFileSync, statSync, linkSync } from 'node:fs';
import { join } from 'node:path';

const [outDir, configPath, ...layers] = process.argv.slice(2);
if (!outDir || !configPath || layers.length === 0) {
  console.error('usage: node oci-archive.mjs <out-dir> <config.json> <layer.tar>...');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(configPath, 'utf8'));
const blobs = join(outDir, 'blobs', 'sha256');
mkdirSync(blobs, { recursive: true });

function sha256File(path) {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
  });
}

function writeBlob(buf) {
  const hex = createHash('sha256').update(buf).digest('hex');
  writeFileSync(join(blobs, hex), buf);
  return { digest: `sha256:${hex}`, size: buf.length };
}

const layerDescs = [];
for (const layer of layers) {
  const hex = await sha256File(layer);
  const dest = join(blobs, hex);
  try {
    linkSync(layer, dest); // same filesystem: no copy
  } catch {
    copyFileSync(layer, dest);
  }
  layerDescs.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${hex}`, size: statSync(layer).size });
}

const config = writeBlob(Buffer.from(JSON.stringify({
  created: '1970-01-01T00:00:00Z',
  architecture: 'amd64',
  os: 'linux',
  config: spec.config,
  rootfs: { type: 'layers', diff_ids: layerDescs.map((l) => l.digest) },
  history: layers.map(() => ({ created: '1970-01-01T00:00:00Z', created_by: 'e2e/image/build.sh' })),
})));
const manifest = writeBlob(Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
  layers: layerDescs,
})));
writeFileSync(join(outDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
writeFileSync(join(outDir, 'index.json'), JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [{
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    ...manifest,
    platform: { architecture: 'amd64', os: 'linux' },
    // as `ctr export` writes them: containerd's importer names the image after io.containerd.image.name (the full
    // reference); ref.name is the tag alone
    annotations: { 'io.containerd.image.name': spec.ref, 'org.opencontainers.image.ref.name': spec.ref.replace(/^.*:/, '') },
  }],
}));
console.log(manifest.digest);
