// Shared set-up of the fidelity scripts: the official `cloudflare` client pointed at the emulator.
// Environment: CF_BASE_URL (emulator base URL, ending in /client/v4), CF_TOKEN, CF_ACCOUNT_ID.
import Cloudflare from 'cloudflare';

export const accountId = process.env.CF_ACCOUNT_ID;

export function client(token = process.env.CF_TOKEN) {
  if (!process.env.CF_BASE_URL) throw new Error('CF_BASE_URL is not set');
  return new Cloudflare({ apiToken: token, baseURL: process.env.CF_BASE_URL, maxRetries: 0 });
}

/** The error as the client classified it: its class, HTTP status and Cloudflare's first error code. */
export async function failure(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return { type: e.constructor.name, status: e.status ?? null, code: e.errors?.[0]?.code ?? null };
  }
}

/** Runs the script body and prints its result as one JSON line; any exception exits with 1. */
export async function run(body) {
  try {
    const result = await body();
    process.stdout.write(JSON.stringify(result) + '\n');
  } catch (e) {
    process.stderr.write(`${e.constructor.name}: ${e.message}\n${e.stack}\n`);
    process.exit(1);
  }
}

export async function zoneId(cf, name) {
  const page = await cf.zones.list({ name });
  if (page.result.length !== 1) throw new Error(`zone ${name} not found`);
  return page.result[0].id;
}
