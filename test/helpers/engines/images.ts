// The busybox image every engine runs, made from a local rootfs (bundles/build-rootfs.sh):
// no image is ever pulled. Docker and podman import a plain tar of the rootfs; containerd's
// `ctr image import` needs an image archive, so ociArchive writes a minimal OCI image layout
// (one uncompressed layer, a config, a manifest, an index) and tars it.

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './runtimes.js';

export const imageName = 'localhost/berth-busybox:test';

/** Builds the rootfs in DIR/rootfs and its tar in DIR/rootfs.tar; returns the tar's path. */
export function rootfsTar(dir: string): string {
  const rootfs = path.join(dir, 'rootfs');
  execFileSync(path.join(repoRoot, 'bundles/build-rootfs.sh'), [rootfs]);
  const tar = path.join(dir, 'rootfs.tar');
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', tar, '.']);
  fs.rmSync(rootfs, { recursive: true, force: true });
  return tar;
}

/** An OCI image layout archive at DIR/oci.tar holding `layerTar` as image `name`. */
export function ociArchive(dir: string, layerTar: string, name: string): string {
  const layout = path.join(dir, 'oci-layout');
  const blobs = path.join(layout, 'blobs/sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (bytes: Buffer) => {
    const hex = crypto.createHash('sha256').update(bytes).digest('hex');
    fs.writeFileSync(path.join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const layer = put(fs.readFileSync(layerTar));
  const config = put(
    json({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      // The layer is uncompressed, so its diff id is its own digest.
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }),
  );
  const manifest = put(
    json({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    }),
  );
  fs.writeFileSync(
    path.join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          // containerd names the imported image after this annotation.
          annotations: { 'io.containerd.image.name': name },
        },
      ],
    }),
  );
  fs.writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const out = path.join(dir, 'oci.tar');
  execFileSync('tar', ['-C', layout, '-cf', out, '.']);
  fs.rmSync(layout, { recursive: true, force: true });
  return out;
}
