import { log } from '@temporalio/activity';
import { boundText } from '../shared/bounded-text';
import { toAlertRecord } from '../shared/alert-record';
import type {
  AlertRecord,
  AlertWatermark,
  FetchAlertChangesInput,
  FetchAlertChangesResult,
  OneViewLogin,
} from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';
import { countPollFailure, type BridgeMetrics } from './bridge-metrics';
import { BridgeError, ErrorCode } from './errors';
import { alertQueryPath, newestChangePath } from './oneview/alert-query';
import type { OneViewClient } from './oneview/oneview-client';
import { applyWatermark } from './oneview/watermark';
import { renewSession } from './renew-session';

/** Stops a runaway paging loop; 2,000 pages of 25 is far more than any appliance's alert changes per poll. */
const MAX_PAGES = 2000;

/** What one read of the appliance returned before validation. */
interface RawRead {
  members: unknown[];
  pages: number;
  gone: string[];
  /** On a first poll: where the next one starts when nothing active anchors the watermark. */
  start?: AlertWatermark;
}

/** Before any alert exists, every change is new. */
const BEFORE_ANY_ALERT: AlertWatermark = { modified: new Date(0).toISOString(), idsAtModified: [] };

/**
 * Fetches every alert changed since the watermark, following `nextPageUri` to the end (or, with `ids`, those alerts one
 * by one). On a 401 it logs in once more and retries; a second 401 is an authorization problem, reported and never
 * looped on. Every alert passes the one validator: a bad one is logged, counted and left out, and the poll goes on.
 */
export async function fetchAlertChanges(
  registry: ApplianceRegistry,
  metrics: BridgeMetrics,
  input: FetchAlertChangesInput,
): Promise<FetchAlertChangesResult> {
  const client = registry.client(input.applianceId);
  const labels = { appliance: input.applianceId };
  const read = async (login: OneViewLogin): Promise<RawRead> => {
    if (input.ids) return readAlerts(client, login, input.ids);
    // A first poll reads only active alerts, so its watermark comes from them; with none, the poll after it would read
    // only active alerts too and never see a clear. The newest change of any alert, read first, is where it starts.
    const first = !input.watermark && !input.snapshot;
    const start = first ? await newestChange(client, login) : undefined;
    const raw = await fetchAllPages(client, login, alertQueryPath(input.watermark, input.severities));
    // The newest-change GET ran on every first poll, whether or not its answer gave a start.
    return { ...raw, pages: raw.pages + (first ? 1 : 0), start };
  };
  let relogin: OneViewLogin | undefined;
  let counted = false;
  let raw: RawRead;
  try {
    registry.remember(input.applianceId, input.session);
    try {
      raw = await read(input.session);
    } catch (err) {
      if (!(err instanceof BridgeError && err.details.status === 401)) throw err;
      log.info('OneView answered 401; logging in again once', { appliance: input.applianceId });
      // The old session is logged out too: a 401 can also mean a missing privilege on a session that still lives.
      try {
        relogin = await renewSession(registry, metrics, { applianceId: input.applianceId, previous: input.session });
      } catch (reloginErr) {
        // renewSession counted it: one failed attempt, counted once.
        counted = true;
        throw reloginErr;
      }
      // A 401 right after a fresh login is a privilege problem, not an expired session: reported, never looped on.
      raw = await read(relogin);
    }
  } catch (err) {
    if (!counted) countPollFailure(metrics, input.applianceId, err);
    if (err instanceof BridgeError && err.code === 'ONEVIEW_AUTH') metrics.sessionActive.set(labels, 0);
    throw err;
  }
  metrics.sessionActive.set(labels, 1);
  metrics.lastSuccessfulPoll.set(labels, Date.now() / 1000);

  const records: AlertRecord[] = [];
  let rejected = 0;
  for (const member of raw.members) {
    const mapped = toAlertRecord(member);
    if ('record' in mapped) {
      records.push(mapped.record);
      continue;
    }
    rejected++;
    metrics.alertsRejected.inc({ ...labels, reason: mapped.reason });
    log.warn('OneView returned an alert this bridge cannot read; skipped', {
      appliance: input.applianceId,
      reason: mapped.reason,
      problems: mapped.problems,
      uri: uriPreview(member),
    });
  }
  if (input.ids) return { alerts: records, gone: raw.gone, relogin, pages: raw.pages, rejected };
  const { fresh, watermark } = applyWatermark(records, input.watermark);
  // A reconciliation snapshot re-reads every active alert: not new work, so not counted as processed.
  if (!input.snapshot) metrics.alertsProcessed.inc({ ...labels, source: 'poll' }, fresh.length);
  return { alerts: fresh, watermark: watermark ?? raw.start, relogin, pages: raw.pages, rejected };
}

/**
 * The watermark a first poll starts from: the newest change of any alert, with no id marked as handled (whatever
 * changed at that instant is read again, never missed), or the beginning of time on an appliance without alerts.
 * Undefined when the appliance's answer is not an alert the validator accepts: the next poll is a first poll again.
 */
async function newestChange(client: OneViewClient, login: OneViewLogin): Promise<AlertWatermark | undefined> {
  const page = await client.getPage(newestChangePath(), login.token, login.apiVersion);
  if (page.members.length === 0) return BEFORE_ANY_ALERT;
  // Read through the one validator, like every alert: a member it refuses gives no start.
  const newest = toAlertRecord(page.members[0]);
  return 'record' in newest ? { modified: newest.record.modified, idsAtModified: [] } : undefined;
}

async function fetchAllPages(client: OneViewClient, login: OneViewLogin, firstPage: string): Promise<RawRead> {
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
  }
  return { members, pages: visited.size, gone: [] };
}

/** GETs each alert; the ids come from the validator, so each is one safe path segment. */
async function readAlerts(client: OneViewClient, login: OneViewLogin, ids: string[]): Promise<RawRead> {
  const members: unknown[] = [];
  const gone: string[] = [];
  for (const id of ids) {
    const alert = await client.getResource(`/rest/alerts/${encodeURIComponent(id)}`, login.token, login.apiVersion);
    if (alert === undefined) gone.push(id);
    else members.push(alert);
  }
  return { members, pages: ids.length, gone };
}

/** Enough of a refused alert's URI to find it on the appliance, made safe for a log line. */
function uriPreview(member: unknown): string | undefined {
  const uri = typeof member === 'object' && member !== null ? (member as { uri?: unknown }).uri : undefined;
  return typeof uri === 'string' ? boundText(uri, 80) : undefined;
}
