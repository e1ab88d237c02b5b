import { log } from '@temporalio/activity';
import { progressHeartbeat } from './progress-heartbeat';
import { toAlertRecord } from '../shared/alert-record';
import type { AlertRecord, FetchAlertChangesInput, FetchAlertChangesResult, OneViewLogin } from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';
import type { BridgeMetrics } from './bridge-metrics';
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
  metrics: BridgeMetrics,
  input: FetchAlertChangesInput,
): Promise<FetchAlertChangesResult> {
  const client = registry.client(input.applianceId);
  const labels = { appliance: input.applianceId };
  const fetchPages = (login: OneViewLogin) =>
    fetchAllPages(client, login, alertQueryPath(input.watermark, input.severities), (seconds) =>
      metrics.apiLatency.observe({ ...labels, endpoint: '/rest/alerts' }, seconds),
    );
  let relogin: OneViewLogin | undefined;
  let raw: { members: unknown[]; pages: number };
  try {
    registry.remember(input.applianceId, input.session);
    try {
      raw = await fetchPages(input.session);
    } catch (err) {
      if (!(err instanceof BridgeError && err.details.status === 401)) throw err;
      log.info('OneView answered 401; logging in again once', { appliance: input.applianceId });
      // The old session is logged out too: a 401 can also mean a missing privilege on a session that still lives.
      relogin = await renewSession(registry, metrics, { applianceId: input.applianceId, previous: input.session });
      // A 401 right after a fresh login is a privilege problem, not an expired session: reported, never looped on.
      raw = await fetchPages(relogin);
    }
  } catch (err) {
    if (err instanceof BridgeError) {
      metrics.pollFailures.inc({ ...labels, reason: err.code });
      if (err.code === 'ONEVIEW_AUTH') metrics.sessionActive.set(labels, 0);
    }
    throw err;
  }
  metrics.sessionActive.set(labels, 1);
  metrics.lastSuccessfulPoll.set(labels, Date.now() / 1000);

  const records: AlertRecord[] = [];
  for (const member of raw.members) {
    const mapped = toAlertRecord(member);
    if ('record' in mapped) records.push(mapped.record);
    else log.warn('OneView returned an alert this bridge cannot read', { appliance: input.applianceId, problems: mapped.problems });
  }
  const { fresh, watermark } = applyWatermark(records, input.watermark);
  // A reconciliation snapshot re-reads every active alert: not new work, so not counted as processed.
  if (!input.snapshot) metrics.alertsProcessed.inc(labels, fresh.length);
  return { alerts: fresh, watermark, relogin, pages: raw.pages };
}

async function fetchAllPages(
  client: OneViewClient,
  login: OneViewLogin,
  firstPage: string,
  observeSeconds: (seconds: number) => void,
): Promise<{ members: unknown[]; pages: number }> {
  const members: unknown[] = [];
  const visited = new Set<string>();
  let next: string | null | undefined = firstPage;
  while (next && !visited.has(next)) {
    if (visited.size >= MAX_PAGES) {
      throw new BridgeError(ErrorCode.oneViewInvalidBody, `alert paging did not end after ${MAX_PAGES} pages`);
    }
    visited.add(next);
    progressHeartbeat({ pages: visited.size - 1 });
    const started = performance.now();
    const page = await client.getPage(next, login.token, login.apiVersion);
    observeSeconds((performance.now() - started) / 1000);
    members.push(...page.members);
    // Some appliances answer a last page whose nextPageUri is the page itself: that is the end, not a loop.
    if (page.uri) visited.add(page.uri);
    next = page.members.length === 0 ? null : page.nextPageUri;
    progressHeartbeat({ pages: visited.size });
  }
  return { members, pages: visited.size };
}
