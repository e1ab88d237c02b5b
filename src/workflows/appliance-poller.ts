import { type RetryPolicy, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { FailureType } from '../shared/failure-types';
import { isOpenState, severityMatches } from '../shared/severity';
import type {
  AlertRecord,
  OneViewLogin,
  OneViewSession,
  PollerCounters,
  PollerInput,
  PollerStatus,
} from '../shared/types';
import { deliveryStartSearchAttributes } from '../shared/search-attributes';
import { alertWorkflowId } from '../shared/workflow-ids';
import { alertDeliveryWorkflow } from './alert-delivery';
import { failureMessage, failureType } from './failure-details';
import {
  alertClearedSignal,
  alertsPushedSignal,
  forcePollSignal,
  pauseSignal,
  resumeSignal,
  statusQuery,
  updateSettingsSignal,
} from './messages';

// A poll is cheap to repeat, so an unreachable appliance gets a few quick attempts and then waits for the next
// poll instead of holding the poller in an endless retry; auth and version problems are final at once.
const POLL_RETRY: RetryPolicy = {
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 3,
  nonRetryableErrorTypes: [FailureType.oneViewAuth, FailureType.oneViewVersion, FailureType.configuration],
};

/** Runs before this patch polled with normal activities; kept only so their histories replay (see POLL_LOCALLY). */
const remoteActivities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2m',
  // A worker that dies mid-poll is noticed after this instead of after the whole 2 min, during which the poller (and
  // every alert raised meanwhile) waits: the activities heartbeat before each OneView request (30 s timeout each).
  heartbeatTimeout: '45s',
  retry: POLL_RETRY,
});

// A poll is one short GET that only this poller's next decision needs, so it runs inside the workflow task: an idle
// poll costs one workflow task and six history events instead of two tasks and eleven, which halves the server's
// work per poll. A worker that dies mid-poll loses its workflow task, which times out (10 s) and is retried elsewhere.
const localActivities = proxyLocalActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2m',
  retry: POLL_RETRY,
});

/**
 * The patch that moved polling to local activities. Decided once per run, so a run that began polling remotely stays
 * remote until it continues-as-new; once no such run is left (a run lasts at most PREVIOUS_MAX_POLLS_PER_RUN polls),
 * this can become `deprecatePatch`.
 */
const POLL_LOCALLY = 'poll-with-local-activities';

/** How often open deliveries are compared with the appliance unless the settings say otherwise. */
const DEFAULT_RECONCILE_INTERVAL_MS = 3_600_000;

/**
 * Longest wait between polls of an appliance that rejects our login: the backoff doubles the interval up to this, so a
 * wrong password never hammers the appliance's account lockout.
 */
const MAX_AUTH_BACKOFF_MS = 30 * 60_000;

/**
 * Longest wait between polls of an unreachable appliance: short, because the first poll after it comes back is when
 * its alerts page, and hardware alerts raised during a network outage must not wait half an hour.
 */
const MAX_UNREACHABLE_BACKOFF_MS = 5 * 60_000;

/**
 * Polls before starting a fresh run (unless the server hints earlier). A cached run costs the worker about 12 KB of
 * memory per poll (BENCHMARKS.md: 50 pollers × 250 polls grew the worker by 150 MB), so 500 polls per run let 500
 * appliances take the worker towards 3 GB before their runs ended; 100 bounds it at a sixth of that for one fresh run
 * (6 events) per 100 polls. Runs that began under the old default keep it (patch SHORTER_RUNS).
 */
const DEFAULT_MAX_POLLS_PER_RUN = 100;
const PREVIOUS_MAX_POLLS_PER_RUN = 500;
const SHORTER_RUNS = 'poller-runs-of-100-polls';

const ZERO_COUNTERS: PollerCounters = {
  polls: 0,
  failedPolls: 0,
  alertsSeen: 0,
  deliveriesStarted: 0,
  clearsSignalled: 0,
  reconciliations: 0,
  reconciledClears: 0,
  logins: 0,
  continuedAsNew: 0,
};

/**
 * The long-lived poller of one OneView appliance: keeps a session, fetches alerts changed since its watermark, starts
 * one delivery workflow per new matching alert and signals clears, then sleeps until the interval ends or a
 * `forcePoll`/`alertsPushed` signal wakes it. Continues-as-new with its small state so history stays bounded.
 */
export async function appliancePollerWorkflow(input: PollerInput): Promise<void> {
  const { renewSession, fetchAlertChanges, listOpenDeliveries } = patched(POLL_LOCALLY) ? localActivities : remoteActivities;
  let settings = input.settings;
  let session: OneViewSession | undefined = input.session;
  let watermark = input.watermark;
  const counters: PollerCounters = { ...ZERO_COUNTERS, ...input.counters };
  let paused = input.paused ?? false;
  let lastPollAt = input.lastPollAt;
  let lastError = input.lastError;
  let lastErrorType = input.lastErrorType;
  let consecutiveFailures = input.consecutiveFailures ?? 0;
  let nextPollAt = 0;
  let lastPollResult: PollerStatus['lastPollResult'] = lastPollAt === undefined ? undefined : lastError ? 'error' : 'ok';
  let pollRequested = input.pollRequested ?? false;
  let lastReconcileAt = input.lastReconcileAt;
  // A new poller, and every worker boot (which re-sends the settings), reconciles at its next poll.
  let reconcileRequested = lastReconcileAt === undefined;
  const pushed: AlertRecord[] = [...(input.pendingAlerts ?? [])];

  setHandler(forcePollSignal, () => {
    pollRequested = true;
  });
  setHandler(alertsPushedSignal, (alerts) => {
    pushed.push(...alerts);
  });
  setHandler(updateSettingsSignal, (next) => {
    if (next.applianceId !== settings.applianceId) return;
    settings = next;
    // Sent by every booting worker: whatever happened while no worker ran is looked at now, not an interval later.
    reconcileRequested = true;
    pollRequested = true;
  });
  setHandler(pauseSignal, () => {
    paused = true;
  });
  setHandler(resumeSignal, () => {
    paused = false;
  });
  setHandler(statusQuery, (): PollerStatus => ({
    applianceId: settings.applianceId,
    applianceHost: settings.applianceHost,
    paused,
    sessionValid: session !== undefined && session.expiresAt > Date.now(),
    sessionExpiresAt: session ? new Date(session.expiresAt).toISOString() : undefined,
    lastPollAt: lastPollAt === undefined ? undefined : new Date(lastPollAt).toISOString(),
    lastPollResult,
    lastError,
    lastErrorType,
    consecutiveFailures,
    nextPollAt: nextPollAt > 0 ? new Date(nextPollAt).toISOString() : undefined,
    watermark,
    pollIntervalMs: settings.pollIntervalMs,
    counters: { ...counters },
  }));

  const stamp = (login: OneViewLogin): OneViewSession => {
    counters.logins++;
    const now = Date.now();
    return { ...login, createdAt: now, expiresAt: now + settings.sessionLifetimeMs };
  };

  async function startDelivery(alert: AlertRecord): Promise<void> {
    try {
      await startChild(alertDeliveryWorkflow, {
        workflowId: alertWorkflowId(settings.applianceId, alert.id),
        args: [
          {
            applianceId: settings.applianceId,
            applianceHost: settings.applianceHost,
            alert,
            limiterId: settings.limiterId,
            searchAttributes: settings.searchAttributes,
            sendTakesSlot: true,
            ...(settings.searchAttributes ? { searchAttributesAtStart: true } : {}),
          },
        ],
        staticSummary: deliverySummary(settings.applianceId, alert),
        // Set with the start rather than upserted by the delivery: no history events or visibility writes of their own.
        ...(settings.searchAttributes
          ? { typedSearchAttributes: deliveryStartSearchAttributes(settings.applianceId, alert) }
          : {}),
        // The delivery outlives this run (continue-as-new) and even this poller: it must still resolve.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      counters.deliveriesStarted++;
    } catch (err) {
      // Already started (or already finished) means this alert is already handled: this is the deduplication.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  async function signalClear(alert: AlertRecord): Promise<void> {
    try {
      await getExternalWorkflowHandle(alertWorkflowId(settings.applianceId, alert.id)).signal(alertClearedSignal, alert);
      counters.clearsSignalled++;
    } catch {
      // No delivery exists (the alert cleared before it ever paged) or it already finished: nothing to resolve.
    }
  }

  async function handleAlerts(alerts: AlertRecord[]): Promise<void> {
    const matching = alerts.filter((a) => severityMatches(a.severity, settings.severities));
    counters.alertsSeen += matching.length;
    await Promise.all(matching.map((a) => (isOpenState(a.alertState) ? startDelivery(a) : signalClear(a))));
  }

  /**
   * Compares the open deliveries with what the appliance still reports as active: resolves the ones whose alert is
   * gone (cleared or deleted while nobody watched) and starts deliveries for active alerts that have none.
   */
  async function reconcile(current: OneViewSession): Promise<void> {
    const snapshot = await fetchAlertChanges({ applianceId: settings.applianceId, session: current, severities: settings.severities, snapshot: true });
    if (snapshot.relogin) session = stamp(snapshot.relogin);
    const open = new Set(await listOpenDeliveries({ applianceId: settings.applianceId }));
    const active = snapshot.alerts.filter((a) => isOpenState(a.alertState) && severityMatches(a.severity, settings.severities));
    const activeIds = new Set(active.map((a) => a.id));
    const gone = [...open].filter((id) => !activeIds.has(id));
    await Promise.all(gone.map((id) => signalClear(goneAlert(id))));
    counters.reconciledClears += gone.length;
    await handleAlerts(active.filter((a) => !open.has(a.id)));
    counters.reconciliations++;
    lastReconcileAt = Date.now();
    reconcileRequested = false;
    if (gone.length > 0) log.info('reconciliation resolved deliveries of alerts no longer active', { appliance: settings.applianceId, alertIds: gone });
  }

  async function poll(): Promise<void> {
    try {
      if (!session || session.expiresAt - settings.sessionRenewBeforeMs <= Date.now()) {
        session = stamp(await renewSession({ applianceId: settings.applianceId, previous: session }));
      }
      const reconcileEvery = settings.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
      const due = reconcileRequested || lastReconcileAt === undefined || Date.now() - lastReconcileAt >= reconcileEvery;
      if (reconcileEvery > 0 && due) {
        try {
          await reconcile(session);
        } catch (err) {
          // Reconciliation is a safety net: when it fails (e.g. visibility unavailable), polling still goes on.
          lastReconcileAt = Date.now();
          reconcileRequested = false;
          log.warn('reconciliation failed; polling goes on', { appliance: settings.applianceId, error: failureMessage(err) });
        }
      }
      const result = await fetchAlertChanges({
        applianceId: settings.applianceId,
        session: session!,
        watermark,
        severities: settings.severities,
      });
      if (result.relogin) session = stamp(result.relogin);
      await handleAlerts(result.alerts);
      watermark = result.watermark ?? watermark;
      lastError = undefined;
      lastErrorType = undefined;
      consecutiveFailures = 0;
      lastPollResult = 'ok';
    } catch (err) {
      counters.failedPolls++;
      consecutiveFailures++;
      lastPollResult = 'error';
      lastError = failureMessage(err);
      lastErrorType = failureType(err);
      // A rejected login means the stored session is no use either; the next poll logs in afresh.
      if (lastErrorType === FailureType.oneViewAuth) session = undefined;
      log.warn('poll failed; retrying at the next interval', { appliance: settings.applianceId, error: lastError });
    }
    counters.polls++;
    lastPollAt = Date.now();
    setCurrentDetails(pollerDetails(settings.applianceHost, lastPollResult, lastError, counters));
  }

  const maxPolls = input.maxPollsPerRun ?? (patched(SHORTER_RUNS) ? DEFAULT_MAX_POLLS_PER_RUN : PREVIOUS_MAX_POLLS_PER_RUN);
  let pollsThisRun = 0;
  // A failing appliance is polled less and less often (never a login loop); a success restores the interval.
  const delayAfterPoll = () =>
    consecutiveFailures === 0
      ? settings.pollIntervalMs
      : Math.max(
          settings.pollIntervalMs,
          Math.min(
            lastErrorType === FailureType.oneViewAuth ? MAX_AUTH_BACKOFF_MS : MAX_UNREACHABLE_BACKOFF_MS,
            settings.pollIntervalMs * 2 ** (consecutiveFailures - 1),
          ),
        );
  // A new run keeps the previous run's rhythm instead of polling again at once.
  nextPollAt = lastPollAt !== undefined ? lastPollAt + delayAfterPoll() : Date.now();
  for (;;) {
    if (!paused && pushed.length > 0) await handleAlerts(pushed.splice(0));
    if (!paused && (pollRequested || Date.now() >= nextPollAt)) {
      pollRequested = false;
      await poll();
      pollsThisRun++;
      nextPollAt = Date.now() + delayAfterPoll();
    }
    if (workflowInfo().continueAsNewSuggested || pollsThisRun >= maxPolls) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof appliancePollerWorkflow>({
        settings,
        session,
        watermark,
        counters: { ...counters, continuedAsNew: counters.continuedAsNew + 1 },
        lastPollAt,
        lastError,
        lastErrorType,
        consecutiveFailures,
        maxPollsPerRun: input.maxPollsPerRun,
        paused,
        pendingAlerts: pushed.length > 0 ? pushed : undefined,
        lastReconcileAt: reconcileRequested ? undefined : lastReconcileAt,
        pollRequested: pollRequested || undefined,
      });
    }
    // While paused only `resume` wakes the loop; a forcePoll sent meanwhile runs at resume.
    if (paused) await condition(() => !paused);
    else await condition(() => pollRequested || pushed.length > 0, Math.max(1, nextPollAt - Date.now()));
  }
}

/** The title the Web UI shows for a delivery: severity, resource and alert, readable at a glance. */
function deliverySummary(applianceId: string, alert: AlertRecord): string {
  const resource = alert.resourceName ? ` on ${alert.resourceName}` : '';
  return `${alert.severity || 'Unknown'} alert ${alert.id}${resource} (appliance ${applianceId})`;
}

/** The Web UI's details line of a poller: the last poll's outcome and the running totals. */
function pollerDetails(host: string, result: PollerStatus['lastPollResult'], error: string | undefined, counters: PollerCounters): string {
  const outcome = result === 'error' ? `last poll failed: ${error ?? 'unknown error'}` : 'last poll ok';
  return `**${host}** — ${outcome}; ${counters.polls} polls, ${counters.deliveriesStarted} deliveries started, ${counters.clearsSignalled} clears`;
}

/** What a delivery is told when its alert vanished from the appliance without a clear being seen. */
function goneAlert(id: string): AlertRecord {
  return { id, uri: `/rest/alerts/${id}`, severity: '', alertState: 'Cleared', description: 'no longer active on the appliance', created: '', modified: '' };
}
