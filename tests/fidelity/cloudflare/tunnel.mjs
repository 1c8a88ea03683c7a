// Remotely managed tunnel: create, list by name, get, token, configuration put/get, connections, delete.
import { accountId as account_id, client, failure, run } from './client.mjs';
import { randomBytes } from 'node:crypto';

await run(async () => {
  const cf = client();
  const tunnels = cf.zeroTrust.tunnels.cloudflared;
  const created = await tunnels.create({ account_id, name: 'shop-production', config_src: 'cloudflare', tunnel_secret: randomBytes(32).toString('base64') });
  const duplicate = await failure(tunnels.create({ account_id, name: 'shop-production', config_src: 'cloudflare' }));
  const listed = await tunnels.list({ account_id, name: 'shop-production', is_deleted: false });
  const got = await tunnels.get(created.id, { account_id });
  const token = await tunnels.token.get(created.id, { account_id });
  const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));

  const ingress = [
    { hostname: 'example.com', service: 'http://web:80', originRequest: { httpHostHeader: 'example.com' } },
    { hostname: '*.example.com', service: 'http://web:80', originRequest: { httpHostHeader: 'example.com' } },
    { service: 'http_status:404' },
  ];
  const put = await tunnels.configurations.update(created.id, { account_id, config: { ingress } });
  const read = await tunnels.configurations.get(created.id, { account_id });
  const invalid = await failure(tunnels.configurations.update(created.id, { account_id, config: { ingress: [ingress[0]] } }));

  await tunnels.connections.delete(created.id, { account_id });
  const deleted = await tunnels.delete(created.id, { account_id });
  const live = await tunnels.list({ account_id, name: 'shop-production', is_deleted: false });
  const gone = await tunnels.list({ account_id, name: 'shop-production', is_deleted: true });
  const noPermission = await failure(client('no-tunnel-permission').zeroTrust.tunnels.cloudflared.list({ account_id }));
  return {
    created: { id: created.id, name: created.name, config_src: created.config_src, tun_type: created.tun_type, remote_config: created.remote_config },
    duplicate,
    listed: listed.result.map(t => t.id),
    got: { id: got.id, status: got.status, deleted_at: got.deleted_at ?? null },
    token: { a: decoded.a, t: decoded.t, secret_bytes: Buffer.from(decoded.s, 'base64').length },
    put: { version: put.version, tunnel_id: put.tunnel_id, source: put.source },
    read: { version: read.version, ingress: read.config.ingress },
    invalid,
    deleted: { id: deleted.id, has_deleted_at: typeof deleted.deleted_at === 'string' },
    live: live.result.length,
    gone: gone.result.map(t => t.id),
    no_permission: noPermission,
  };
});
