import { type RetryPolicy, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ApplicationFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { alertFactsOf, routeAlert } from '../routing/route-alert';
import { FailureType } from '../shared/failure-types';
import { boundUtf8 } from '../shared/bounded-text';
import { deliveryStartSearchAttributes } from '../shared/search-attributes';
import { isOpenState, severityMatches } from '../shared/severity';
import type {
  AlertClear,
  AlertRecord,
  ConnectionCheck,
  FetchAlertChangesResult,
  OneViewLogin,
  OneViewSession,
  PollerCounters,
  PollerInput,
  PollerStatus,
} from '../shared/types';
import { alertWorkflowId, blindWorkflowId, scmbConsumerWorkflowId } from '../shared/workflow-ids';
import { alertDeliveryWorkflow } from './alert-delivery';
import { applianceBlindWorkflow } from './appliance-blind';
import { scmbConsumerWorkflow } from './scmb-consumer';
import { failureMessage, failureType } from './failure-details';
import type { StartDecision } from './handled-alerts';
import {
  alertClearedSignal,
  alertDecisionQuery,
  alertsPushedSignal,
  forcePollSignal,
  closeWindowSignal,
  openWindowSignal,
  pauseSignal,
  suppressUntilSignal,
  resumeSignal,
  scmbStateSignal,
  statusQuery,
  testConnectionUpdate,
  updateSettingsSignal,
} from './messages';
import { BLIND_RECOVERY_POLLS, DEFAULT_MAX_POLLS_PER_RUN, PollerState } from './poller-state';
import { checkPushedAlerts, checkScmbStatus, isSettingsFor } from './signal-checks';
import { type Start, type StartOutcome, createStormControl } from './poller-storms';
import { checkCloseWindow, checkOpenWindow } from './window-checks';

// A poll is one short GET that only this poller's next decision needs, so it runs inside the workflow task: an idle
// poll costs one workflow task and six history events. A worker that dies mid-poll loses its workflow task, which
// times out (10 s) and is retried elsewhere. An unreachable appliance gets a few quick attempts and then waits for the
// next poll instead of holding the poller in an endless retry; auth and version problems are final at once.
const { renewSession, fetchAlertChanges, listOpenDeliveries, readMaintenance, readEnclosures } = proxyLocalActivities<
  ReturnType<typeof createActivities>
>({
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [
      FailureType.oneViewAuth,
      FailureType.oneViewVersion,
      FailureType.oneViewCertificate,
      FailureType.configuration,
    ],
  } satisfies RetryPolicy,
});

// A connection test runs from an update handler as a normal activity: a local activity there holds the update's
// workflow task open, and updates that arrive meanwhile are aborted and retried by their callers, each logging in again.
const { testConnection } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1m',
  retry: { maximumAttempts: 1 },
});

/** How often open deliveries are compared with the appliance unless the settings say otherwise. */
const DEFAULT_RECONCILE_INTERVAL_MS = 3_600_000;

/** How old a storm group must be before reconciliation may end it for a parent delivery visibility does not list. */
const GROUP_VISIBILITY_GRACE_MS = 5 * 60_000;

/** A connection test is answered from the last one for this long, so no caller can multiply logins. */
const CONNECTION_TEST_EVERY_MS = 60_000;

/** Longest delivery summary in UTF-8 bytes, before encryption. */
const MAX_SUMMARY_BYTES = 200;

/** Pushed alerts and clears held at most while the loop is busy or paused; beyond it the poll reads them instead. */
const MAX_PENDING = 5000;

/**
 * The long-lived poller of one OneView appliance: keeps a session, fetches alerts changed since its watermark, starts
 * one delivery workflow per new matching alert and signals clears, then sleeps until the interval ends or a
 * `forcePoll`/`alertsPushed` signal wakes it. Continues-as-new with its state so history stays bounded.
 */
export async function appliancePollerWorkflow(input: PollerInput): Promise<void> {
  // Started by hand with settings no worker would send, the poller would fail every task (its ids reach workflow IDs):
  // it fails once, visibly, instead.
  if (!isSettingsFor(input?.settings, input?.settings?.applianceId)) {
    throw ApplicationFailure.create({
      message: 'invalid poller settings',
      type: FailureType.configuration,
      nonRetryable: true,
    });
  }
  const state = new PollerState(input);
  const appliance = () => state.settings.applianceId;

  setHandler(forcePollSignal, () => {
    state.pollRequested = true;
  });
  setHandler(alertsPushedSignal, (payload) => {
    // Anyone with access to Temporal can signal: the payload is checked again, and a bad alert is dropped, not obeyed.
    const { alerts, rejected } = checkPushedAlerts(payload);
    if (rejected > 0) {
      state.counters.alertsRejected += rejected;
      log.warn('pushed alerts failed the poller check; dropped', { appliance: appliance(), rejected });
    }
    for (const alert of alerts) {
      if (!isOpenState(alert.alertState)) state.clearsToConfirm.add(alert.id);
      else if (state.pending.length < MAX_PENDING) state.pending.push(alert);
    }
    // A pushed clear is a hint: the poll asks the appliance. So does a push beyond what is held.
    if (alerts.some((a) => !isOpenState(a.alertState)) || state.pending.length >= MAX_PENDING)
      state.pollRequested = true;
  });
  setHandler(updateSettingsSignal, async (next) => {
    if (!isSettingsFor(next, appliance())) return;
    state.settings = next;
    // Sent by every booting worker: whatever happened while no worker ran is looked at now, not an interval later.
    state.reconcileRequested = true;
    state.pollRequested = true;
    // A scheduled window removed or changed in ROUTES_FILE releases (or moves) what it holds.
    await resuppress(state.windows.suppressedIds());
  });
  setHandler(scmbStateSignal, (payload) => {
    const next = checkScmbStatus(payload);
    if (!next || !state.settings.scmb) return;
    const wasConnected = state.scmb?.connected === true;
    state.scmb = next;
    // A new subscription starts with an empty queue: what changed while none was listening is read at once.
    if (next.connected && !wasConnected) state.pollRequested = true;
    // Lost: the normal interval applies again from the last poll, not after the long one.
    if (!next.connected && wasConnected && state.lastPollAt !== undefined)
      state.nextPollAt = Math.min(state.nextPollAt, state.lastPollAt + state.delayAfterPoll());
  });
  setHandler(openWindowSignal, async (payload) => {
    const checked = checkOpenWindow(payload, Date.now());
    if ('problem' in checked) {
      log.warn('openWindow signal refused', { appliance: appliance(), problem: checked.problem });
      return;
    }
    if (!state.windows.open(checked.window)) {
      log.warn('openWindow signal refused: too many open windows', { appliance: appliance() });
      return;
    }
    log.info('maintenance window opened', {
      appliance: appliance(),
      window: checked.window.id,
      until: new Date(checked.window.end).toISOString(),
    });
    // Opening an id again moves its end: the deliveries it already holds wait for the new one.
    await resuppress(state.windows.alertsOf(checked.window.id));
  });
  setHandler(closeWindowSignal, async (payload) => {
    const id = checkCloseWindow(payload);
    if (id === undefined || !state.windows.close(id)) return;
    log.info('maintenance window closed; the alerts it held page if still active', {
      appliance: appliance(),
      window: id,
    });
    await resuppress(state.windows.alertsOf(id));
  });
  setHandler(pauseSignal, () => {
    state.paused = true;
  });
  setHandler(resumeSignal, () => {
    state.paused = false;
  });
  setHandler(statusQuery, (): PollerStatus => state.status());
  setHandler(alertDecisionQuery, (alertId) => state.decisionAbout(String(alertId)));
  setHandler(testConnectionUpdate, async (): Promise<ConnectionCheck> => {
    const now = Date.now();
    if (state.loginRejected) {
      return skippedCheck(
        appliance(),
        'the poller is backing off after a rejected login; a test could lock the account',
        state.nextPollAt - now,
      );
    }
    const last = state.lastConnectionTest;
    if (last && now - last.at < CONNECTION_TEST_EVERY_MS) {
      // The last test's answer again (a finished one is a real answer; one still running says so).
      if (last.check.skipped) return last.check;
      return {
        ...last.check,
        skipped: 'tested less than a minute ago; this is that test',
        retryAfterSeconds: Math.ceil((last.at + CONNECTION_TEST_EVERY_MS - now) / 1000),
      };
    }
    // Taken before the login starts, so a second caller in the meantime is answered from this one.
    state.lastConnectionTest = {
      at: now,
      check: skippedCheck(appliance(), 'a test is running; ask again in a few seconds', 5_000),
    };
    const check = await testConnection({ applianceId: appliance() });
    state.lastConnectionTest = { at: now, check };
    return check;
  });

  const stamp = (login: OneViewLogin): OneViewSession => {
    state.counters.logins++;
    const now = Date.now();
    return { ...login, createdAt: now, expiresAt: now + state.settings.sessionLifetimeMs };
  };

  /**
   * Starts one alert's delivery; any failure stays with this alert (logged, counted, reconciled), never the poller.
   * `paging` when a delivery started now that pages at once; `quiet` when one started held by a maintenance window or
   * was already started; false when the alert was dropped or the start failed.
   */
  async function startDelivery(alert: AlertRecord, decision: Exclude<StartDecision, 'skip'>): Promise<StartOutcome> {
    const { settings } = state;
    const route = routeAlert(settings.routes ?? [], alertFactsOf(settings.applianceId, alert));
    if ('dropped' in route) {
      drop(alert, route.dropped);
      return false;
    }
    const facts = alertFactsOf(settings.applianceId, alert);
    const routeNames = route.targets.map((t) => t.route);
    const window = state.windows.covering(settings.windows ?? [], facts, routeNames, Date.now());
    try {
      await startChild(alertDeliveryWorkflow, {
        workflowId: alertWorkflowId(settings.applianceId, alert.id),
        args: [
          {
            applianceId: settings.applianceId,
            applianceHost: settings.applianceHost,
            alert,
            routingKeyId: settings.routingKeyId,
            ...(settings.routes ? { targets: route.targets } : {}),
            ...(window ? { suppress: { window: window.id, until: window.end } } : {}),
            retry: settings.pagerDutyRetry,
            searchAttributes: settings.searchAttributes,
          },
        ],
        staticSummary: deliverySummary(settings.applianceId, alert),
        // Set with the start rather than upserted by the delivery: no history events or visibility writes of their own.
        ...(settings.searchAttributes
          ? {
              typedSearchAttributes: deliveryStartSearchAttributes(
                settings.applianceId,
                alert,
                window ? 'suppressed' : 'triggering',
              ),
            }
          : {}),
        // The delivery outlives this run (continue-as-new) and even this poller: it must still resolve.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // A running delivery always rejects a second start. A first start also respects one that ended within
        // retention (resolved by hand, refused); a newer version of an alert whose delivery ended pages again.
        workflowIdReusePolicy:
          decision === 'again' ? WorkflowIdReusePolicy.ALLOW_DUPLICATE : WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      state.counters.deliveriesStarted++;
      if (decision === 'again') state.counters.deliveriesRestarted++;
      if (window) {
        state.windows.suppress(alert.id, window, facts, routeNames);
        state.counters.alertsSuppressed++;
        log.info('alert suppressed by a maintenance window until its end', {
          appliance: settings.applianceId,
          alertId: alert.id,
          window: window.id,
          until: new Date(window.end).toISOString(),
        });
      }
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        state.counters.deliveryErrors++;
        state.reconcileRequested = true;
        log.warn('starting a delivery failed; reconciliation will retry it', {
          appliance: settings.applianceId,
          alertId: alert.id,
          error: failureMessage(err),
        });
        return false;
      }
      // Already running (or ended within retention): this alert is already handled. This is the deduplication.
      state.handled.recordActive(alert);
      return 'quiet';
    }
    state.handled.recordActive(alert);
    return window ? 'quiet' : 'paging';
  }

  async function signalClear(alertId: string, clear: AlertClear, modified?: string): Promise<void> {
    state.handled.recordCleared(alertId, modified, Date.now());
    state.windows.forget(alertId);
    const released = state.storm.dissolve(alertId);
    if (released) await releaseChildren(alertId, released);
    try {
      await getExternalWorkflowHandle(alertWorkflowId(appliance(), alertId)).signal(alertClearedSignal, clear);
      state.counters.clearsSignalled++;
    } catch {
      // No delivery exists (the alert cleared before it ever paged) or it already finished: nothing to resolve.
    }
  }

  const storms = createStormControl({ state, startDelivery, readEnclosures });
  const { groupStorms, releaseChildren, releaseWaiting } = storms;

  /** Drops an alert a `drop` route matched: decided once per version, like a delivery, not again at every poll. */
  function drop(alert: AlertRecord, route: string): void {
    state.counters.alertsDropped++;
    state.handled.recordActive(alert);
    state.decide(alert.id, 'dropped', route);
    log.info('alert dropped by its route', { appliance: appliance(), alertId: alert.id, route });
  }

  /** The alerts a `drop` route does not match; the others are dropped here, before maintenance or grouping sees them. */
  function withoutDropped(starts: Start[]): Start[] {
    if (!state.settings.routes) return starts;
    return starts.filter(([a]) => {
      const route = routeAlert(state.settings.routes ?? [], alertFactsOf(appliance(), a));
      if ('dropped' in route) drop(a, route.dropped);
      return !('dropped' in route);
    });
  }

  /**
   * Works out again which window holds these suppressed alerts (one closed or moved, or the scheduled ones changed) and
   * tells each delivery its new end: another window that still covers it, or now (it pages if still active).
   */
  async function resuppress(alertIds: string[]): Promise<void> {
    const moves = state.windows.recover(alertIds, state.settings.windows ?? [], Date.now());
    await Promise.all(
      moves.map(async ([alertId, until]) => {
        try {
          await getExternalWorkflowHandle(alertWorkflowId(appliance(), alertId)).signal(suppressUntilSignal, { until });
        } catch {
          // The delivery ended (its alert cleared, or it was resolved by hand): nothing waits.
          state.windows.forget(alertId);
        }
      }),
    );
  }

  /** Starts deliveries for new active versions and resolves cleared alerts; the severity filter applies to both. */
  async function handleAlerts(alerts: AlertRecord[]): Promise<void> {
    const matching = alerts.filter((a) => severityMatches(a.severity, state.settings.severities));
    state.counters.alertsSeen += matching.length;
    const starts: Start[] = [];
    const clears: AlertRecord[] = [];
    for (const a of matching) {
      if (!isOpenState(a.alertState)) {
        clears.push(a);
        // Cleared while held for maintenance or for its enclosure, or while in a storm group: it never pages. Taken
        // out before any parent's clear below releases its group, so a child cleared in the same batch stays quiet.
        state.held.delete(a.id);
        state.storm.forget(a.id);
        continue;
      }
      const decision = state.handled.decide(a);
      if (decision !== 'skip') starts.push([a, decision]);
    }
    const kept = withoutDropped(starts);
    const inMaintenance = await serversInMaintenance(kept.map(([a]) => a));
    const paged = kept.filter(([a]) => !(a.resourceUri && inMaintenance.has(a.resourceUri)));
    for (const [a] of kept) if (a.resourceUri && inMaintenance.has(a.resourceUri)) hold(a);
    const own = await groupStorms(paged, false);
    await Promise.all([
      ...clears.map((a) => signalClear(a.id, { reason: 'cleared' }, a.modified)),
      ...own.map(([a, decision]) => startDelivery(a, decision)),
    ]);
  }

  /**
   * The servers among these alerts' resources that OneView has in maintenance mode. Without a session, or when the
   * appliance cannot say, none is: a page too many beats a page lost.
   */
  async function serversInMaintenance(alerts: AlertRecord[]): Promise<Set<string>> {
    const resourceUris = [
      ...new Set(
        alerts.flatMap((a) => (a.resourceCategory === 'server-hardware' && a.resourceUri ? [a.resourceUri] : [])),
      ),
    ];
    const session = state.session;
    if (resourceUris.length === 0 || !session) return new Set();
    try {
      return new Set((await readMaintenance({ applianceId: appliance(), session, resourceUris })).inMaintenance);
    } catch (err) {
      log.warn('could not read maintenance mode; paging as if none', {
        appliance: appliance(),
        error: failureMessage(err),
      });
      return new Set();
    }
  }

  /** Holds an active alert whose server is in OneView's maintenance mode: no page now, looked at again every poll. */
  function hold(alert: AlertRecord): void {
    if (!state.held.has(alert.id)) {
      state.counters.heldForMaintenance++;
      state.decide(alert.id, 'held', alert.resourceUri ?? '');
      log.info('alert held: its server is in maintenance mode', {
        appliance: appliance(),
        alertId: alert.id,
        resource: alert.resourceUri,
      });
    }
    state.held.set(alert.id, alert);
  }

  /** Pages the held alerts whose server has left maintenance mode (still active: a clear would have released them). */
  async function releaseHeld(): Promise<void> {
    if (state.held.size === 0) return;
    const held = [...state.held.values()];
    const inMaintenance = await serversInMaintenance(held);
    const released = held.filter((a) => !(a.resourceUri && inMaintenance.has(a.resourceUri)));
    for (const a of released) state.held.delete(a.id);
    await Promise.all(
      released.map((a) => {
        const decision = state.handled.decide(a);
        return decision === 'skip' ? undefined : startDelivery(a, decision);
      }),
    );
  }

  /**
   * Asks the appliance about pushed clears the poll did not already answer: a clear it confirms (or an alert it no
   * longer has) resolves; one it still reports active changes nothing.
   */
  async function confirmClears(current: OneViewSession, answered: Set<string>): Promise<void> {
    // Taken now: a clear pushed while the read below runs stays for the poll its push asked for.
    const taken = [...state.clearsToConfirm];
    state.clearsToConfirm.clear();
    const ids = taken.filter((id) => !answered.has(id));
    if (ids.length > 0) {
      let read: FetchAlertChangesResult;
      try {
        read = await fetchAlertChanges({
          applianceId: appliance(),
          session: current,
          severities: state.settings.severities,
          ids,
        });
      } catch (err) {
        // Unanswered: asked again at the next poll.
        for (const id of ids) state.clearsToConfirm.add(id);
        throw err;
      }
      if (read.relogin) state.session = stamp(read.relogin);
      const stillOpen = read.alerts.filter((a) => isOpenState(a.alertState));
      state.counters.clearsUnconfirmed += stillOpen.length;
      if (stillOpen.length > 0)
        log.warn('pushed clears not confirmed by the appliance; nothing resolved', {
          appliance: appliance(),
          alertIds: stillOpen.map((a) => a.id),
        });
      await handleAlerts(read.alerts);
      await Promise.all(
        (read.gone ?? []).map((id) => signalClear(id, { reason: 'gone', note: 'no longer on the appliance' })),
      );
    }
  }

  /**
   * Compares the open deliveries with what the appliance still reports as active: resolves the ones whose alert is
   * gone (cleared or deleted while nobody watched) and starts deliveries for active alerts that have none.
   */
  async function reconcile(current: OneViewSession): Promise<void> {
    const snapshot = await fetchAlertChanges({
      applianceId: appliance(),
      session: current,
      severities: state.settings.severities,
      snapshot: true,
    });
    if (snapshot.relogin) state.session = stamp(snapshot.relogin);
    const open = new Set(await listOpenDeliveries({ applianceId: appliance() }));
    const active = snapshot.alerts.filter(
      (a) => isOpenState(a.alertState) && severityMatches(a.severity, state.settings.severities),
    );
    const activeIds = new Set(active.map((a) => a.id));
    const gone = [...open].filter((id) => !activeIds.has(id));
    // Held and grouped alerts the appliance no longer has are forgotten first, so a group ended below never pages them.
    for (const id of state.held.keys()) if (!activeIds.has(id)) state.held.delete(id);
    state.storm.retainActive(activeIds);
    await Promise.all(gone.map((id) => signalClear(id, { reason: 'gone', note: 'no longer active on the appliance' })));
    // A group whose parent's delivery is no longer running (refused for good, resolved by hand, its alert deleted)
    // lists its children in nobody's incident: they page. Recent groups are left alone, visibility may lag their start.
    for (const parentId of state.storm.parentsOpenedBefore(Date.now() - GROUP_VISIBILITY_GRACE_MS))
      if (!open.has(parentId)) await releaseChildren(parentId, state.storm.dissolve(parentId) ?? []);
    // Alerts remembered as active that the appliance no longer has: over, so a later re-activation pages again.
    for (const id of state.handled.activeIds())
      if (!activeIds.has(id)) state.handled.recordCleared(id, undefined, Date.now());
    state.counters.reconciledClears += gone.length;
    await handleAlerts(active.filter((a) => !open.has(a.id)));
    state.counters.reconciliations++;
    if (gone.length > 0)
      log.info('reconciliation resolved deliveries of alerts no longer active', {
        appliance: appliance(),
        alertIds: gone,
      });
  }

  async function poll(): Promise<void> {
    const { settings } = state;
    try {
      if (!state.session || state.session.expiresAt - settings.sessionRenewBeforeMs <= Date.now()) {
        state.session = stamp(await renewSession({ applianceId: settings.applianceId, previous: state.session }));
      }
      const reconcileEvery = settings.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
      const due =
        state.reconcileRequested ||
        state.lastReconcileAt === undefined ||
        Date.now() - state.lastReconcileAt >= reconcileEvery;
      if (reconcileEvery > 0 && due) {
        try {
          await reconcile(state.session);
        } catch (err) {
          // Reconciliation is a safety net: when it fails (e.g. visibility unavailable), polling still goes on.
          log.warn('reconciliation failed; polling goes on', {
            appliance: settings.applianceId,
            error: failureMessage(err),
          });
        }
        state.lastReconcileAt = Date.now();
        state.reconcileRequested = false;
      }
      const result = await fetchAlertChanges({
        applianceId: settings.applianceId,
        session: state.session,
        watermark: state.watermark,
        severities: settings.severities,
      });
      if (result.relogin) state.session = stamp(result.relogin);
      await handleAlerts(result.alerts);
      state.watermark = result.watermark ?? state.watermark;
      await confirmClears(state.session, new Set(result.alerts.map((a) => a.id)));
      await releaseHeld();
      state.lastError = undefined;
      state.lastErrorType = undefined;
      state.consecutiveFailures = 0;
    } catch (err) {
      state.counters.failedPolls++;
      state.consecutiveFailures++;
      state.lastError = failureMessage(err);
      state.lastErrorType = failureType(err) ?? 'Error';
      // A rejected login means the stored session is no use either; the next poll logs in afresh.
      if (state.lastErrorType === FailureType.oneViewAuth) state.session = undefined;
      log.warn('poll failed; retrying at the next interval', {
        appliance: settings.applianceId,
        error: state.lastError,
      });
    }
    await watchBlindness(state.consecutiveFailures === 0);
    state.windows.prune(settings.windows ?? [], Date.now());
    state.counters.polls++;
    state.lastPollAt = Date.now();
    const forgotten = state.handled.prune(Date.now(), settings.historyRetentionMs);
    if (forgotten > 0)
      log.warn('too many alerts remembered; the oldest were forgotten', { appliance: settings.applianceId, forgotten });
    setCurrentDetails(pollerDetails(settings.applianceHost, state.status(), state.counters));
  }

  // A start that failed is tried again at the next failed poll, not by the loop's timer (which would spin on it).
  let blindStartFailed = false;

  /**
   * Opens the appliance's own incident once its polls have failed for `blindAfterMs`, and resolves it after
   * BLIND_RECOVERY_POLLS successful polls in a row: an outage pages once, and a flapping link does not page again at
   * every failure. The decision lives in this state, so no restart can race it.
   */
  async function watchBlindness(pollOk: boolean): Promise<void> {
    const now = Date.now();
    if (pollOk) {
      state.failingSince = undefined;
      if (!state.blind || ++state.blind.okPolls < BLIND_RECOVERY_POLLS) return;
      state.blind = undefined;
      try {
        await getExternalWorkflowHandle(blindWorkflowId(appliance())).signal(alertClearedSignal, {
          reason: 'cleared',
          note: 'the appliance is read again',
        });
        log.info('appliance read again; resolving its own incident', { appliance: appliance() });
      } catch {
        // None running (resolved by hand): nothing to resolve.
      }
      return;
    }
    state.failingSince ??= now;
    if (state.blind) {
      state.blind.okPolls = 0;
      return;
    }
    const due = state.blindDueAt();
    blindStartFailed = false;
    if (due !== undefined && now >= due) await openBlind();
  }

  /** Starts the appliance's own incident (one ID per appliance: a second start finds it open). */
  async function openBlind(): Promise<void> {
    if (state.blind || state.failingSince === undefined) return;
    const { settings } = state;
    try {
      await startChild(applianceBlindWorkflow, {
        workflowId: blindWorkflowId(settings.applianceId),
        args: [
          {
            applianceId: settings.applianceId,
            applianceHost: settings.applianceHost,
            incident: {
              since: new Date(state.failingSince).toISOString(),
              errorType: state.lastErrorType ?? 'Error',
              error: state.lastError ?? 'unknown',
            },
            routingKeyId: settings.blindRoutingKeyId ?? settings.routingKeyId,
            retry: settings.pagerDutyRetry,
          },
        ],
        staticSummary: `The bridge cannot read appliance ${settings.applianceId}`,
        // It must still resolve when this run continues-as-new.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
      state.counters.blindIncidents++;
      log.warn('appliance unreadable for too long; opening its own incident', {
        appliance: settings.applianceId,
        since: new Date(state.failingSince).toISOString(),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        blindStartFailed = true;
        log.warn("opening the appliance's own incident failed; trying again at the next poll", {
          appliance: settings.applianceId,
          error: failureMessage(err),
        });
        return;
      }
      // Already open (a previous run opened it): this run owns resolving it.
    }
    state.blind = { okPolls: 0 };
  }

  /**
   * Keeps the appliance's message-bus consumer running while the settings ask for one (started once per run: the
   * server's ID uniqueness makes a second start a no-op), and cancels it when they stop asking.
   */
  let consumerWanted: boolean | undefined;
  async function keepConsumer(): Promise<void> {
    const wanted = state.settings.scmb !== undefined;
    if (wanted === consumerWanted) return;
    consumerWanted = wanted;
    const workflowId = scmbConsumerWorkflowId(appliance());
    try {
      if (wanted)
        await startChild(scmbConsumerWorkflow, {
          workflowId,
          args: [{ applianceId: appliance() }],
          staticSummary: `Message-bus consumer of ${appliance()}`,
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        });
      else if (state.scmb) {
        state.scmb = undefined;
        await getExternalWorkflowHandle(workflowId).cancel();
      }
    } catch (err) {
      // Already running is the normal case; a consumer that is already gone needs no cancelling.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) && wanted)
        log.warn('starting the message-bus consumer failed; polling goes on', {
          appliance: appliance(),
          error: failureMessage(err),
        });
    }
  }

  const maxPolls = state.maxPollsPerRun ?? DEFAULT_MAX_POLLS_PER_RUN;
  let pollsThisRun = 0;
  // Whether the wait for the next poll ran out. The poll is decided on that, not on the clock: a query answered by
  // replaying an evicted poller between its timer firing and its next task can leave the workflow clock behind, and a
  // clock decision taken then is not the one a later replay takes (a nondeterminism error that stops the poller).
  let intervalElapsed = false;
  for (;;) {
    await keepConsumer();
    if (!state.paused && state.pending.length > 0) await handleAlerts(state.pending.splice(0));
    if (!state.paused && (state.pollRequested || intervalElapsed || Date.now() >= state.nextPollAt)) {
      state.pollRequested = false;
      intervalElapsed = false;
      await poll();
      await releaseWaiting();
      pollsThisRun++;
      state.nextPollAt = Date.now() + state.delayAfterPoll();
    }
    if (workflowInfo().continueAsNewSuggested || pollsThisRun >= maxPolls) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof appliancePollerWorkflow>(state.toInput());
    }
    // While paused only `resume` wakes the loop; a forcePoll sent meanwhile runs at resume.
    if (state.paused) await condition(() => !state.paused);
    else {
      // A failing appliance's own incident falls due on a timer of its own, between polls: it opens on time without
      // an extra poll, which a login backoff (there to spare the appliance's account lockout) would not allow.
      const blindDue = state.blindDueAt();
      const blindFirst = blindDue !== undefined && blindDue < state.nextPollAt && !blindStartFailed;
      const wakeAt = blindFirst ? blindDue : state.nextPollAt;
      // Alerts held for their enclosure's alert are decided after a poll, which reads whatever arrived meanwhile.
      const waitDue = state.storm.nextWaitDue();
      const waitFirst = waitDue !== undefined && waitDue < wakeAt;
      const timedOut = !(await condition(
        () => state.pollRequested || state.pending.length > 0,
        Math.max(1, (waitFirst ? waitDue : wakeAt) - Date.now()),
      ));
      if (timedOut && waitFirst) {
        state.pollRequested = true;
        storms.waitElapsed(waitDue);
      } else if (timedOut && blindFirst) await openBlind();
      else intervalElapsed = timedOut;
    }
  }
}

/** A connection check that did not log in, and why. */
function skippedCheck(applianceId: string, why: string, retryAfterMs: number): ConnectionCheck {
  return {
    applianceId,
    ok: false,
    steps: [],
    skipped: why,
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  };
}

/**
 * The title the Web UI shows for a delivery: severity, resource and alert, readable at a glance. Servers limit a
 * summary's size (400 bytes by default, encrypted payload included), and a start the server refuses would fail the
 * poller's task, so the text keeps well under it.
 */
function deliverySummary(applianceId: string, alert: AlertRecord): string {
  const resource = alert.resourceName ? ` on ${alert.resourceName}` : '';
  return boundUtf8(`${alert.severity} alert ${alert.id}${resource} (appliance ${applianceId})`, MAX_SUMMARY_BYTES);
}

/** The Web UI's details line of a poller: the last poll's outcome and the running totals. */
function pollerDetails(host: string, status: PollerStatus, counters: PollerCounters): string {
  const outcome =
    status.lastPollResult === 'error' ? `last poll failed: ${status.lastError ?? 'unknown error'}` : 'last poll ok';
  return `**${host}** — ${outcome}; ${counters.polls} polls, ${counters.deliveriesStarted} deliveries started, ${counters.clearsSignalled} clears`;
}
