import { heartbeat, log } from '@temporalio/activity';
import { toAlertRecord } from '../shared/alert-record';
import type { AlertRecord, FetchAlertChangesInput, FetchAlertChangesResult, OneViewLogin } from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';
import { BridgeError, ErrorCode } from './errors';
import { alertQueryPath } from './oneview/alert-query';
import type { OneViewClient } from './oneview/oneview-client';
import { applyWatermark } from './oneview/watermark';
import { renewSession } from './renew-session';

/** Stops a runaway paging loop; 2,000 pages of 25 is far more than any appliance's alert changes per poll. */
const MAX_PAGES = 2000;

/**
 * Fetches every alert changed since the watermark, following `nextPageUri` to the end. On a 401 it logs in once more
 * and retries; a second 401 is an authorization problem, reported and never looped on.
 */
export async function fetchAlertChanges(
  registry: ApplianceRegistry,
  input: FetchAlertChangesInput,
): Promise<FetchAlertChangesResult> {
  const client = registry.client(input.applianceId);
  let login: OneViewLogin = input.session;
  let relogin: OneViewLogin | undefined;
  let raw: { members: unknown[]; pages: number };
  try {
    raw = await fetchAllPages(client, login, alertQueryPath(input.watermark, input.severities));
  } catch (err) {
    if (!(err instanceof BridgeError && err.details.status === 401)) throw err;
    log.info('OneView session no longer valid; logging in again once', { applianceId: input.applianceId });
    relogin = login = await renewSession(registry, { applianceId: input.applianceId });
    raw = await fetchAllPages(client, login, alertQueryPath(input.watermark, input.severities));
  }

  const records: AlertRecord[] = [];
  for (const member of raw.members) {
    const mapped = toAlertRecord(member);
    if ('record' in mapped) records.push(mapped.record);
    else log.warn('OneView returned an alert this bridge cannot read', { applianceId: input.applianceId, problems: mapped.problems });
  }
  const { fresh, watermark } = applyWatermark(records, input.watermark);
  return { alerts: fresh, watermark, relogin, pages: raw.pages };
}

async function fetchAllPages(
  client: OneViewClient,
  login: OneViewLogin,
  firstPage: string,
): Promise<{ members: unknown[]; pages: number }> {
  const members: unknown[] = [];
  const visited = new Set<string>();
  let next: string | null | undefined = firstPage;
  while (next && !visited.has(next)) {
    if (visited.size >= MAX_PAGES) {
      throw new BridgeError(ErrorCode.oneViewInvalidBody, `alert paging did not end after ${MAX_PAGES} pages`);
    }
    visited.add(next);
    const page = await client.getPage(next, login.token, login.apiVersion);
    members.push(...page.members);
    // Some appliances answer a last page whose nextPageUri is the page itself: that is the end, not a loop.
    if (page.uri) visited.add(page.uri);
    next = page.members.length === 0 ? null : page.nextPageUri;
    heartbeat({ pages: visited.size });
  }
  return { members, pages: visited.size };
}
