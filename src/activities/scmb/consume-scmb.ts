import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { ConsumeMessage } from 'amqplib';
import { setTimeout as sleep } from 'node:timers/promises';
import { pushAlerts, reportScmbState } from '../../client/poller-operations';
import type { AlertRejectReason } from '../../shared/alert-record';
import { boundUtf8 } from '../../shared/bounded-text';
import { parsePushedAlerts } from '../../shared/pushed-alerts';
import type { AlertRecord, ConsumeScmbInput, ScmbStatus } from '../../shared/types';
import type { ApplianceRegistry } from '../appliance-registry';
import type { BridgeMetrics } from '../bridge-metrics';
import { BridgeError, ErrorCode } from '../errors';
import { ScmbBatches } from './scmb-batches';
import { scmbCredentials, type ScmbCredentials } from './scmb-credentials';
import { subscribeScmb, type ScmbSubscription } from './scmb-subscription';

/** What the consumer needs from the worker. */
export interface ScmbDeps {
  registry: ApplianceRegistry;
  client: Client;
  metrics: BridgeMetrics;
}

/** Heartbeats well inside the activity's heartbeat timeout, which is how another worker takes over from a dead one. */
const HEARTBEAT_MS = 5_000;
const RECONNECT_FIRST_MS = 1_000;
const RECONNECT_MAX_MS = 60_000;
/** Largest message read; OneView's alert messages are a few KB. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const MAX_ERROR_BYTES = 300;
const MESSAGE_REPORT_EVERY_MS = 30_000;

/**
 * Holds one appliance's message-bus subscription for `runForMs`: every alert change goes through the webhook's parser
 * to the poller's `alertsPushed` signal and is acked after it; each (re)connection makes the poller poll at once, since
 * the new queue missed what happened while it was away. Failures are logged, counted and retried here with backoff,
 * never thrown; only a cancellation ends it early.
 */
export async function consumeScmb(deps: ScmbDeps, input: ConsumeScmbInput): Promise<void> {
  const ctx = Context.current();
  const { applianceId } = input;
  const config = deps.registry.config(applianceId);
  if (!config.scmb)
    throw new BridgeError(ErrorCode.unknownAppliance, `appliance '${applianceId}' has no message bus on this worker`);
  const port = config.scmb.port;
  const host = new URL(config.baseUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  const labels = { appliance: applianceId };
  const log = ctx.log;

  let status: ScmbStatus = { connected: false, since: new Date().toISOString() };
  let lastMessageReportAt = 0;
  const report = async (next: Omit<ScmbStatus, 'since' | 'lastMessageAt'>) => {
    const changed = next.connected !== status.connected || next.lastError !== status.lastError;
    status = {
      ...next,
      since: next.connected !== status.connected ? new Date().toISOString() : status.since,
      ...(status.lastMessageAt ? { lastMessageAt: status.lastMessageAt } : {}),
    };
    deps.metrics.scmbConnected.set(labels, next.connected ? 1 : 0);
    if (changed || next.connected)
      await reportScmbState(deps.client, applianceId, status).catch((err: unknown) =>
        log.warn('could not tell the poller the message-bus state', { appliance: applianceId, error: describe(err) }),
      );
  };

  const deliver = async (batch: ConsumeMessage[]) => {
    const alerts: AlertRecord[] = [];
    for (const message of batch) {
      const parsed = readMessage(message);
      deps.metrics.scmbMessages.inc({ ...labels, change_type: parsed.changeType });
      if ('alerts' in parsed) alerts.push(...parsed.alerts);
      else if (parsed.problems) {
        deps.metrics.alertsRejected.inc({ ...labels, reason: parsed.reason });
        log.warn('message-bus message refused', { appliance: applianceId, problems: parsed.problems.slice(0, 5) });
      }
    }
    if (alerts.length > 0) {
      await pushAlerts(deps.client, applianceId, alerts);
      deps.metrics.alertsProcessed.inc({ ...labels, source: 'bus' }, alerts.length);
    }
    status = { ...status, lastMessageAt: new Date().toISOString() };
    // The poller's status shows the last message's time; telling it once in a while is enough.
    if (Date.now() - lastMessageReportAt >= MESSAGE_REPORT_EVERY_MS) {
      lastMessageReportAt = Date.now();
      await report({ connected: true });
    }
  };

  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), input.runForMs);
  const onCancel = () => stop.abort();
  ctx.cancellationSignal.addEventListener('abort', onCancel);
  const heartbeat = setInterval(() => ctx.heartbeat({ connected: status.connected }), HEARTBEAT_MS);
  let creds: ScmbCredentials | undefined;
  let failures = 0;
  let everConnected = ctx.info.attempt > 1;
  try {
    while (!stop.signal.aborted) {
      try {
        creds ??= await scmbCredentials(deps.registry, applianceId, stop.signal);
        // Messages may arrive before subscribeScmb returns; acks go to the subscription once it exists.
        const link: { subscription?: ScmbSubscription } = {};
        const batches = new ScmbBatches(
          deliver,
          (last) => link.subscription?.ackUpTo(last),
          (err, attempt) =>
            log.warn('could not hand message-bus alerts to the poller; retrying', {
              appliance: applianceId,
              attempt,
              error: describe(err),
            }),
        );
        const subscription = await subscribeScmb(host, port, creds, (m) => batches.add(m));
        link.subscription = subscription;
        if (everConnected) deps.metrics.scmbReconnects.inc(labels);
        everConnected = true;
        failures = 0;
        log.info('message bus connected', { appliance: applianceId, port });
        await report({ connected: true });
        const aborted = new Promise<'stop'>((resolve) => stop.signal.addEventListener('abort', () => resolve('stop')));
        const why = await Promise.race([subscription.closed, aborted]);
        batches.stop();
        await subscription.close();
        if (why === 'stop') break;
        throw new BridgeError(ErrorCode.scmbConnection, `the connection closed${why ? `: ${why.message}` : ''}`);
      } catch (err) {
        if (stop.signal.aborted) break;
        failures++;
        // A refused client certificate may have been regenerated on the appliance: read it again next time.
        if (/certificate|ACCESS_REFUSED|handshake|alert/i.test(describe(err))) creds = undefined;
        const lastError = describe(err);
        log.warn('message bus unavailable; polling continues at the normal interval', {
          appliance: applianceId,
          failures,
          error: lastError,
        });
        await report({ connected: false, lastError });
        const wait = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** (failures - 1));
        await sleep(wait, undefined, { signal: stop.signal }).catch(() => undefined);
      }
    }
  } finally {
    clearTimeout(timer);
    clearInterval(heartbeat);
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
    deps.metrics.scmbConnected.set(labels, 0);
    if (status.connected) await report({ connected: false, lastError: 'the consumer stopped' });
  }
  // A cancelled activity ends with the cancellation, so the workflow sees it as cancelled rather than completed.
  if (ctx.cancellationSignal.aborted) await ctx.cancelled;
}

type ReadMessage =
  | { changeType: string; alerts: AlertRecord[] }
  | { changeType: string; problems?: string[]; reason: AlertRejectReason };

/** One message through the same parser as a webhook body; `Deleted` carries no state and is left to reconciliation. */
function readMessage(message: ConsumeMessage): ReadMessage {
  const routed = /^scmb\.alerts\.(Created|Updated|Deleted)\./.exec(message.fields.routingKey)?.[1] ?? 'other';
  if (message.content.length > MAX_MESSAGE_BYTES)
    return { changeType: routed, problems: ['the message is larger than 1 MB'], reason: 'not_an_object' };
  let body: unknown;
  try {
    body = JSON.parse(message.content.toString('utf8'));
  } catch {
    return { changeType: routed, problems: ['the message is not JSON'], reason: 'not_an_object' };
  }
  if (routed === 'Deleted') return { changeType: routed, reason: 'not_an_object' };
  const parsed = parsePushedAlerts(body);
  return 'alerts' in parsed
    ? { changeType: routed, alerts: parsed.alerts }
    : { changeType: routed, problems: parsed.problems, reason: parsed.reason };
}

function describe(err: unknown): string {
  return boundUtf8(err instanceof Error ? err.message : String(err), MAX_ERROR_BYTES);
}
