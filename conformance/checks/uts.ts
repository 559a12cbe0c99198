// config.md "Hostname" and "Domainname".

import { check, type Check } from '../lib/check.js';

export const utsChecks: Check[] = [
  check('uts.hostname', 'hostname is the hostname the container process sees', async (t) => {
    const spec = t.spec();
    spec.hostname = 'conf-hostname';
    const r = await t.probe(spec);
    t.equal(r.get('hostname'), 'conf-hostname', 'hostname');
  }),

  check('uts.domainname', 'domainname is the NIS domain name the container process sees', async (t) => {
    const spec = t.spec();
    spec.domainname = 'conf.example';
    const r = await t.probe(spec);
    t.equal(r.get('domainname'), 'conf.example', 'domainname');
  }),
];
