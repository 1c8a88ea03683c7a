// DNS records: create (apex, wildcard, A), conflict, list with filters, get, update, delete.
import { client, failure, run, zoneId } from './client.mjs';

await run(async () => {
  const cf = client();
  const zone_id = await zoneId(cf, 'example.com');
  const target = '6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com';
  const apex = await cf.dns.records.create({ zone_id, type: 'CNAME', name: 'example.com', content: target, proxied: true, ttl: 1 });
  const wildcard = await cf.dns.records.create({ zone_id, type: 'CNAME', name: '*', content: target, proxied: true, ttl: 1 });
  const a = await cf.dns.records.create({ zone_id, type: 'A', name: 'api.example.com', content: '198.51.100.4', proxied: false, ttl: 300 });
  const conflict = await failure(cf.dns.records.create({ zone_id, type: 'CNAME', name: 'api', content: target, proxied: true, ttl: 1 }));

  const all = [];
  for await (const r of cf.dns.records.list({ zone_id })) all.push(`${r.type} ${r.name} ${r.content}`);
  const byName = await cf.dns.records.list({ zone_id, type: 'CNAME', name: { exact: '*.example.com' } });
  const got = await cf.dns.records.get(apex.id, { zone_id });
  const updated = await cf.dns.records.update(a.id, { zone_id, type: 'A', name: 'api.example.com', content: '198.51.100.5', proxied: true, ttl: 1 });
  const deleted = await cf.dns.records.delete(wildcard.id, { zone_id });
  const after = [];
  for await (const r of cf.dns.records.list({ zone_id })) after.push(r.name);
  const noPermission = await failure(client('no-dns-permission').dns.records.list({ zone_id }));
  return {
    apex: { name: apex.name, type: apex.type, content: apex.content, proxied: apex.proxied, ttl: apex.ttl },
    wildcard: wildcard.name,
    a: { name: a.name, ttl: a.ttl, proxiable: a.proxiable },
    conflict,
    all: all.sort(),
    by_name: byName.result.map(r => r.name),
    got: got.id === apex.id,
    updated: { id_kept: updated.id === a.id, content: updated.content, proxied: updated.proxied },
    deleted: deleted.id === wildcard.id,
    after: after.sort(),
    no_permission: noPermission,
  };
});
