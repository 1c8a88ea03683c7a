// Token verification and zone listing (auto-pagination over several pages), parsed by the official client.
import { client, failure, run } from './client.mjs';

await run(async () => {
  const cf = client();
  const token = await cf.user.tokens.verify();
  const names = [];
  for await (const zone of cf.zones.list({ per_page: 20 })) names.push(zone.name);
  const first = await cf.zones.list({ per_page: 20 });
  const one = await cf.zones.get({ zone_id: first.result[0].id });
  return {
    token_status: token.status,
    zones: names,
    first_page: { count: first.result.length, page: first.result_info.page, per_page: first.result_info.per_page, total_pages: first.result_info.total_pages, total_count: first.result_info.total_count },
    get: { id: one.id, name: one.name, status: one.status, matches: one.id === first.result[0].id },
    invalid_token: await failure(client('invalid').zones.list()),
    invalid_verify: await failure(client('invalid').user.tokens.verify()),
  };
});
