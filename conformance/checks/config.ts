// config.md "Specification version", "Annotations", "Extensibility" and "Valid values":
// what a runtime must accept and what it must refuse.

import { check, type Check } from '../lib/check.js';
import { loose } from '../lib/spec.js';

export const configChecks: Check[] = [
  check('config.unknown-properties', 'unknown properties anywhere in config.json are ignored, not errors', async (t) => {
    const spec = t.spec();
    const l = loose(spec);
    l['org.example.conformance'] = { nested: [1, 2, 3] };
    l.process.conformanceUnknown = true;
    l.linux.conformanceUnknown = { a: 'b' };
    l.root.conformanceUnknown = 1;
    l.mounts[0].conformanceUnknown = 'x';
    const r = await t.probe(spec);
    t.assert(r.has('pid'), 'the container did not run');
  }),

  check('config.unknown-annotations', 'annotation keys the runtime does not know are accepted', async (t) => {
    const spec = t.spec();
    spec.annotations = { 'org.example.conformance.unknown': 'value', 'com.example.other': '' };
    const r = await t.probe(spec);
    t.assert(r.has('pid'), 'the container did not run');
  }),

  check('config.root-required', 'a config without root is an error on Linux', async (t) => {
    const spec = t.spec();
    delete spec.root;
    await t.createFails(spec, { raw: true });
  }),

  check('config.oci-version-invalid', 'an ociVersion that is not SemVer is an error', async (t) => {
    const spec = t.spec();
    spec.ociVersion = 'not-a-version';
    await t.createFails(spec);
  }),

  check('config.invalid-namespace-type', 'an unknown namespace type is an error', async (t) => {
    const spec = t.spec();
    loose(spec).linux.namespaces.push({ type: 'conformance' });
    await t.createFails(spec);
  }),

  check('config.invalid-device-type', 'an unknown device type is an error', async (t) => {
    const spec = t.spec();
    loose(spec).linux.devices = [{ path: '/dev/conf-bad', type: 'x', major: 1, minor: 3 }];
    await t.createFails(spec);
  }),

  check('config.invalid-rootfs-propagation', 'an unknown rootfsPropagation value is an error', async (t) => {
    const spec = t.spec();
    spec.linux!.rootfsPropagation = 'conformance';
    await t.createFails(spec);
  }),
];
