import { FailureType } from '../shared/failure-types';
import type {
  AlertDecision,
  AlertDecisionAnswer,
  AlertRecord,
  AlertWatermark,
  ConnectionCheck,
  OneViewSession,
  PollerCounters,
  PollerInput,
  PollerSettings,
  PollerStatus,
  ScmbStatus,
} from '../shared/types';
import { HandledAlerts } from './handled-alerts';
import { StormGroups } from './storm-groups';
import { WindowState } from './window-state';

/**
 * Polls before a fresh run unless the server hints earlier: short runs keep a cached poller small and let one that was
 * evicted from the worker's cache replay in milliseconds at its next poll or `status` query.
 */
export const DEFAULT_MAX_POLLS_PER_RUN = 20;

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

const ZERO_COUNTERS: PollerCounters = {
  polls: 0,
  failedPolls: 0,
  alertsSeen: 0,
  deliveriesStarted: 0,
  deliveriesRestarted: 0,
  deliveryErrors: 0,
  alertsRejected: 0,
  clearsUnconfirmed: 0,
  clearsSignalled: 0,
  reconciliations: 0,
  reconciledClears: 0,
  logins: 0,
  continuedAsNew: 0,
  blindIncidents: 0,
  heldForMaintenance: 0,
  alertsDropped: 0,
  alertsGrouped: 0,
  alertsSuppressed: 0,
};

/** Decisions about alerts that did not page on their own kept for `alertDecision`: the newest, enough for a storm. */
export const MAX_DECISIONS = 300;

/** Successful polls in a row before the appliance's own incident resolves: one lucky poll of a flapping link is not enough. */
export const BLIND_RECOVERY_POLLS = 2;

/**
 * Everything one appliance's poller knows, in one place: the loop and the handlers change it, the `status` query reads
 * it, and continue-as-new hands it whole to the next run.
 */
export class PollerState {
  settings: PollerSettings;
  session?: OneViewSession;
  watermark?: AlertWatermark;
  readonly counters: PollerCounters;
  paused: boolean;
  lastPollAt?: number;
  lastError?: string;
  lastErrorType?: string;
  consecutiveFailures: number;
  /** Pushed active alerts waiting for the loop. */
  readonly pending: AlertRecord[];
  /** Pushed clears waiting for the appliance to confirm them. */
  readonly clearsToConfirm: Set<string>;
  pollRequested: boolean;
  lastReconcileAt?: number;
  reconcileRequested: boolean;
  readonly handled: HandledAlerts;
  lastConnectionTest?: { at: number; check: ConnectionCheck };
  nextPollAt = 0;
  readonly maxPollsPerRun?: number;
  /** The message-bus consumer's last report, while the settings have a message bus. */
  scmb?: ScmbStatus;
  /** When the current run of failed polls began (workflow time); undefined after a successful poll. */
  failingSince?: number;
  /** The appliance's own "cannot see it" incident is open, with the successful polls in a row since. */
  blind?: { okPolls: number };
  /** Active alerts not paged because their server is in OneView's maintenance mode, by alert id. */
  readonly held: Map<string, AlertRecord>;
  /** Storm groups, and alerts held for their enclosure's alert. */
  readonly storm: StormGroups;
  /** Operators' maintenance windows, and the deliveries waiting for a window's end. */
  readonly windows: WindowState;
  /** The latest decisions about alerts that did not page on their own, for `alertDecision` (oldest dropped first). */
  readonly decisions: Map<string, AlertDecision>;

  constructor(input: PollerInput) {
    this.settings = input.settings;
    this.session = input.session;
    this.watermark = input.watermark;
    this.counters = { ...ZERO_COUNTERS, ...input.counters };
    this.paused = input.paused ?? false;
    this.lastPollAt = input.lastPollAt;
    this.lastError = input.lastError;
    this.lastErrorType = input.lastErrorType;
    this.consecutiveFailures = input.consecutiveFailures ?? 0;
    this.pending = [...(input.pendingAlerts ?? [])];
    this.clearsToConfirm = new Set(input.clearsToConfirm ?? []);
    this.pollRequested = input.pollRequested ?? false;
    this.lastReconcileAt = input.lastReconcileAt;
    // A new poller, and every worker boot (which re-sends the settings), reconciles at its next poll.
    this.reconcileRequested = input.lastReconcileAt === undefined;
    this.handled = new HandledAlerts(input.handled);
    this.lastConnectionTest = input.lastConnectionTest;
    this.maxPollsPerRun = input.maxPollsPerRun;
    this.scmb = input.settings.scmb ? input.scmb : undefined;
    this.failingSince = input.failingSince;
    this.blind = input.blind ? { ...input.blind } : undefined;
    this.held = new Map((input.held ?? []).map((a) => [a.id, a]));
    this.storm = new StormGroups(input.storm);
    this.windows = new WindowState(input.windows, input.suppressed);
    this.decisions = new Map(input.decisions ?? []);
    // A new run keeps the previous run's rhythm instead of polling again at once.
    this.nextPollAt = this.lastPollAt !== undefined ? this.lastPollAt + this.delayAfterPoll() : Date.now();
  }

  /** Whether the last poll failed because the appliance rejected the login (the poller is backing off from it). */
  get loginRejected(): boolean {
    return this.consecutiveFailures > 0 && this.lastErrorType === FailureType.oneViewAuth;
  }

  /**
   * The wait after a poll: the interval, or for a failing appliance the interval doubled per failure in a row (never
   * a login loop), up to 30 min while its login is rejected and 5 min while it is unreachable.
   */
  delayAfterPoll(): number {
    // A connected message bus pages within a second; the poll is then only the safety net.
    const interval =
      this.settings.scmb && this.scmb?.connected ? this.settings.scmb.pollIntervalMs : this.settings.pollIntervalMs;
    if (this.consecutiveFailures === 0) return interval;
    const cap = this.lastErrorType === FailureType.oneViewAuth ? MAX_AUTH_BACKOFF_MS : MAX_UNREACHABLE_BACKOFF_MS;
    return Math.max(interval, Math.min(cap, interval * 2 ** (this.consecutiveFailures - 1)));
  }

  /** Remembers why an alert did not page on its own (the newest {@link MAX_DECISIONS} are kept). */
  decide(alertId: string, what: AlertDecision['what'], detail: string): void {
    this.decisions.delete(alertId);
    this.decisions.set(alertId, { what, detail, at: new Date(Date.now()).toISOString() });
    if (this.decisions.size > MAX_DECISIONS) this.decisions.delete(this.decisions.keys().next().value!);
  }

  /** The `alertDecision` answer for one alert. */
  decisionAbout(alertId: string): AlertDecisionAnswer {
    const handled = this.handled.get(alertId);
    const where = this.storm.whereIs(alertId);
    const held = this.held.get(alertId);
    const window = this.windows.windowOf(alertId);
    const now = held
      ? `held: its server ${held.resourceUri ?? ''} is in OneView maintenance mode`
      : where && 'parent' in where
        ? `listed in the incident of alert ${where.parent}, of what it sits below`
        : where
          ? `waiting (group wait) for an alert of ${where.waitingFor}`
          : window
            ? `its delivery waits for maintenance window ${window} to end`
            : undefined;
    const decision = this.decisions.get(alertId);
    return {
      applianceId: this.settings.applianceId,
      severities: [...this.settings.severities],
      ...(handled
        ? {
            handled: {
              modified: handled.modified,
              ...(handled.clearedAt !== undefined ? { clearedAt: new Date(handled.clearedAt).toISOString() } : {}),
            },
          }
        : {}),
      ...(decision ? { decision } : {}),
      ...(now ? { now } : {}),
    };
  }

  /** The answer of the `status` query. */
  status(): PollerStatus {
    const lastPollResult = this.lastPollAt === undefined ? undefined : this.lastError ? 'error' : 'ok';
    return {
      applianceId: this.settings.applianceId,
      applianceHost: this.settings.applianceHost,
      paused: this.paused,
      sessionValid: this.session !== undefined && this.session.expiresAt > Date.now(),
      sessionExpiresAt: this.session ? new Date(this.session.expiresAt).toISOString() : undefined,
      lastPollAt: this.lastPollAt === undefined ? undefined : new Date(this.lastPollAt).toISOString(),
      lastPollResult,
      lastError: this.lastError,
      lastErrorType: this.lastErrorType,
      consecutiveFailures: this.consecutiveFailures,
      nextPollAt: this.nextPollAt > 0 ? new Date(this.nextPollAt).toISOString() : undefined,
      watermark: this.watermark,
      pollIntervalMs: this.settings.pollIntervalMs,
      counters: { ...this.counters },
      ...(this.scmb ? { scmb: { ...this.scmb } } : {}),
      ...(this.failingSince !== undefined ? { failingSince: new Date(this.failingSince).toISOString() } : {}),
      blindIncidentOpen: this.blind !== undefined,
      heldForMaintenance: [...this.held.keys()],
      storm: this.storm.status(),
      ...this.windows.status(this.settings.windows ?? [], Date.now()),
    };
  }

  /**
   * When the appliance's own incident is due (workflow time): `blindAfterMs` after polls began to fail, while they
   * still fail and none is open; undefined otherwise.
   */
  blindDueAt(): number | undefined {
    const after = this.settings.blindAfterMs ?? 0;
    if (after <= 0 || this.blind || this.failingSince === undefined) return undefined;
    return this.failingSince + after;
  }

  /** The state as the next run's input. */
  toInput(): PollerInput {
    return {
      settings: this.settings,
      session: this.session,
      watermark: this.watermark,
      counters: { ...this.counters, continuedAsNew: this.counters.continuedAsNew + 1 },
      lastPollAt: this.lastPollAt,
      lastError: this.lastError,
      lastErrorType: this.lastErrorType,
      consecutiveFailures: this.consecutiveFailures,
      maxPollsPerRun: this.maxPollsPerRun,
      paused: this.paused,
      pendingAlerts: this.pending.length > 0 ? [...this.pending] : undefined,
      clearsToConfirm: this.clearsToConfirm.size > 0 ? [...this.clearsToConfirm] : undefined,
      lastReconcileAt: this.reconcileRequested ? undefined : this.lastReconcileAt,
      pollRequested: this.pollRequested || undefined,
      handled: this.handled.size > 0 ? this.handled.entries() : undefined,
      lastConnectionTest: this.lastConnectionTest,
      scmb: this.scmb,
      failingSince: this.failingSince,
      blind: this.blind,
      held: this.held.size > 0 ? [...this.held.values()] : undefined,
      storm: this.storm.toState(),
      ...this.windows.toInput(),
      ...(this.decisions.size > 0 ? { decisions: [...this.decisions] } : {}),
    };
  }
}
