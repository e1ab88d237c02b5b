import type { AlertFacts, DeliveryTarget, RouteRule } from '../routing/route-types';
import type { AdHocWindow, WindowSchedule, WindowScope } from '../routing/window-types';
import type { PagerDutySeverity } from './severity';

/** OneView alert severities as the appliance reports them. */
export type OneViewSeverity = 'OK' | 'Warning' | 'Critical' | 'Unknown' | 'Disabled';

/** OneView alert states; Locked alerts are active but only the resource manager can clear them. */
export type OneViewAlertState = 'Active' | 'Locked' | 'Cleared';

/** The compact, secret-free slice of a OneView alert that workflows carry and PagerDuty events are built from. */
export interface AlertRecord {
  /** Last segment of the alert URI: OneView has no separate id field. */
  id: string;
  uri: string;
  severity: string;
  alertState: string;
  description: string;
  correctiveAction?: string;
  alertTypeID?: string;
  healthCategory?: string;
  urgency?: string;
  resourceName?: string;
  resourceUri?: string;
  resourceCategory?: string;
  created: string;
  modified: string;
  /** X-Request-ID of the webhook call that pushed this alert, so worker log lines can be matched to it. */
  requestId?: string;
}

/** What a OneView login yields: the session token and the API version negotiated with the appliance. */
export interface OneViewLogin {
  /** The session token; only ever in payloads, never in IDs, search attributes or logs. */
  token: string;
  apiVersion: number;
}

/** A OneView login session as the poller carries it, stamped with workflow time so renewal is deterministic. */
export interface OneViewSession extends OneViewLogin {
  /** Epoch milliseconds (workflow time). */
  createdAt: number;
  /** Epoch milliseconds (workflow time) at which the session is assumed dead. */
  expiresAt: number;
}

/**
 * How far the poller has read: the newest `modified` seen, plus the ids already handled at exactly that instant,
 * so alerts sharing one timestamp across a page or poll boundary are neither missed nor handled twice.
 */
export interface AlertWatermark {
  modified: string;
  idsAtModified: string[];
}

/** Per-appliance settings a poller needs; no secrets, so they may live in workflow history as they are. */
export interface PollerSettings {
  applianceId: string;
  /** Shown in logs, events and status; the host as configured. */
  applianceHost: string;
  /** OneView severities that page, e.g. ["Critical"]. */
  severities: string[];
  pollIntervalMs: number;
  sessionLifetimeMs: number;
  sessionRenewBeforeMs: number;
  /** The namespace has the bridge's search attributes, so deliveries may set them. */
  searchAttributes?: boolean;
  /**
   * A non-secret id of the appliance's PagerDuty routing key (a SHA-256 prefix): the fairness key its sends carry, so
   * Temporal limits each routing key's rate on the send queue whatever appliances share it.
   */
  routingKeyId?: string;
  /** Waits between attempts of a failing PagerDuty send (PAGERDUTY_RETRY_BASE_MS / _MAX_MS), handed to deliveries. */
  pagerDutyRetry?: PagerDutyRetry;
  /** How often the poller compares open deliveries with the appliance (reconciliation); 0 turns it off. */
  reconcileIntervalMs?: number;
  /**
   * The namespace's retention of closed workflows: how long a finished delivery still rejects a second start of its
   * ID, and so how long the poller must remember cleared alerts to page their re-activation (see handled-alerts.ts).
   */
  historyRetentionMs?: number;
  /** The appliance's State-Change Message Bus is on: the poll interval while its consumer is connected. */
  scmb?: { pollIntervalMs: number };
  /** After polls have failed this long, the poller opens the appliance's own "cannot see it" incident; 0 or absent: never. */
  blindAfterMs?: number;
  /** The non-secret id of the routing key that incident goes to (PAGERDUTY_BLIND_ROUTING_KEY), when not the appliance's. */
  blindRoutingKeyId?: string;
  /** ROUTES_FILE's rules (routing keys only by id); absent: every alert pages the appliance's key. */
  routes?: RouteRule[];
  /**
   * Storm control: alerts of blades and interconnects raised within `windowMs` of their enclosure's own alert join
   * its incident; `groupWaitMs` holds them that long first in case the enclosure's alert follows. Absent: off.
   */
  storm?: { windowMs: number; groupWaitMs: number };
  /** ROUTES_FILE's scheduled maintenance windows. */
  windows?: WindowSchedule[];
}

/** A delivery waiting for a window's end, as the poller remembers it: which window, and what decides coverage. */
export interface SuppressedAlert {
  alertId: string;
  window: string;
  facts: AlertFacts;
  routes: string[];
}

/** The `openWindow` signal: an operator's maintenance window on a poller, until `end` (ISO-8601). */
export interface OpenWindowRequest {
  /** 1-63 lower-case letters, digits and '-'; the same id again moves the end of that window. */
  id: string;
  scope: WindowScope;
  end: string;
  reason?: string;
}

/** The poller's storm groups as continue-as-new hands them on (see storm-groups.ts). */
export interface StormState {
  groups: {
    /** The enclosure or interconnect whose alert is the parent. */
    resource: string;
    parent: AlertRecord;
    openedAt: number;
    children: { alert: AlertRecord; again?: boolean }[];
  }[];
  waiting: { alert: AlertRecord; resource: string; until: number }[];
}

/** Why the bridge cannot see an appliance: what its own incident says. */
export interface BlindIncident {
  /** When the polls began to fail (ISO-8601). */
  since: string;
  /** Failure type of the last failed poll, e.g. OneViewNetworkError. */
  errorType: string;
  /** Its message (never a secret). */
  error: string;
}

/** Input of `applianceBlindWorkflow`: whose incident, and what it says. */
export interface BlindDeliveryInput {
  applianceId: string;
  applianceHost: string;
  incident: BlindIncident;
  /** The fairness key of its sends: the id of the routing key it goes to. */
  routingKeyId?: string;
  retry?: PagerDutyRetry;
}

/** What the poller knows of its appliance's message-bus consumer (the `scmbState` signal; shown in `status`). */
export interface ScmbStatus {
  connected: boolean;
  /** Since when (ISO-8601) it has been connected, or not. */
  since: string;
  /** When the last alert message arrived. */
  lastMessageAt?: string;
  /** Why it is not connected (never a secret). */
  lastError?: string;
}

/** Input of `consumeScmb`: whose bus, and how long this attempt runs before it hands over to the next. */
export interface ConsumeScmbInput {
  applianceId: string;
  runForMs: number;
}

/** How a failing PagerDuty send backs off: the first wait, doubled per attempt up to the longest. */
export interface PagerDutyRetry {
  baseMs: number;
  maxMs: number;
}

/**
 * What a poller decided about one alert: its id, the OneView `modified` of the newest version it saw, and, once the
 * alert was seen cleared or gone, when (workflow time, epoch ms).
 */
export type HandledAlert = [id: string, modified: string, clearedAt?: number];

/** Why a delivery is told its alert is over. */
export type ClearReason = 'cleared' | 'gone' | 'resolved-by-hand';

/** The `alertCleared` signal's payload: why the delivery should resolve, and a note for people. */
export interface AlertClear {
  reason: ClearReason;
  note?: string;
}

/** Counters the poller carries across continue-as-new. */
export interface PollerCounters {
  polls: number;
  failedPolls: number;
  alertsSeen: number;
  deliveriesStarted: number;
  /** Deliveries started again because OneView re-activated (or changed) an alert whose last delivery had ended. */
  deliveriesRestarted: number;
  /** Starts or signals that failed for another reason than "already started"; reconciliation follows. */
  deliveryErrors: number;
  /** Pushed or signalled alerts that failed the poller's own check and were dropped. */
  alertsRejected: number;
  /** Pushed clears the appliance did not confirm (the alert is still active there): nothing was resolved. */
  clearsUnconfirmed: number;
  clearsSignalled: number;
  reconciliations: number;
  /** Deliveries resolved because reconciliation found their alert no longer active (missed clear, deleted alert). */
  reconciledClears: number;
  logins: number;
  continuedAsNew: number;
  /** Times the poller opened the appliance's own "cannot see it" incident. */
  blindIncidents: number;
  /** Alerts held, not paged, because their server was in OneView's maintenance mode. */
  heldForMaintenance: number;
  /** Alerts a `drop` route kept from paging. */
  alertsDropped: number;
  /** Alerts that joined their enclosure's incident instead of paging on their own. */
  alertsGrouped: number;
  /** Alerts whose delivery started suppressed by a maintenance window. */
  alertsSuppressed: number;
}

/** Input of `appliancePollerWorkflow`; also the state handed to the next run by continue-as-new. */
export interface PollerInput {
  settings: PollerSettings;
  session?: OneViewSession;
  watermark?: AlertWatermark;
  counters?: PollerCounters;
  lastPollAt?: number;
  lastError?: string;
  lastErrorType?: string;
  /** Polls failed in a row; the poller backs off while it grows. */
  consecutiveFailures?: number;
  /** Continue-as-new after this many polls even without the server's suggestion; tests set it low. */
  maxPollsPerRun?: number;
  paused?: boolean;
  /** Pushed alerts not yet handled when the previous run continued-as-new. */
  pendingAlerts?: AlertRecord[];
  /** A forcePoll that arrived in the previous run and had not been served yet. */
  pollRequested?: boolean;
  /** When the open deliveries were last compared with the appliance (epoch ms, workflow time). */
  lastReconcileAt?: number;
  /** Alerts the poller has decided about (see handled-alerts.ts). */
  handled?: HandledAlert[];
  /** Ids of pushed clears not yet confirmed with the appliance. */
  clearsToConfirm?: string[];
  /** The last connection test: when (workflow time) and what it found, answered again for a minute. */
  lastConnectionTest?: { at: number; check: ConnectionCheck };
  /** The message-bus consumer's last reported state. */
  scmb?: ScmbStatus;
  /** When the current run of failed polls began (epoch ms, workflow time). */
  failingSince?: number;
  /** The appliance's "cannot see it" incident is open, and how many polls in a row have succeeded since. */
  blind?: { okPolls: number };
  /** Active alerts held because their server is in OneView's maintenance mode. */
  held?: AlertRecord[];
  /** Storm groups and alerts held for their enclosure's alert. */
  storm?: StormState;
  /** Maintenance windows operators opened, not yet over. */
  windows?: AdHocWindow[];
  /** Deliveries waiting for a window's end. */
  suppressed?: SuppressedAlert[];
  /** Why recent alerts did not page on their own (see poller-state.ts). */
  decisions?: [alertId: string, decision: AlertDecision][];
}

/** Answer of the poller's `status` query. */
export interface PollerStatus {
  applianceId: string;
  applianceHost: string;
  paused: boolean;
  sessionValid: boolean;
  sessionExpiresAt?: string;
  lastPollAt?: string;
  lastPollResult?: 'ok' | 'error';
  lastError?: string;
  /** Failure type of the last error, e.g. OneViewAuthFailed for a wrong password or a missing privilege. */
  lastErrorType?: string;
  consecutiveFailures: number;
  nextPollAt?: string;
  watermark?: AlertWatermark;
  pollIntervalMs: number;
  counters: PollerCounters;
  /** Present when the appliance's message bus is on. */
  scmb?: ScmbStatus;
  /** Since when polls have failed in a row (ISO-8601). */
  failingSince?: string;
  /** The appliance's own "cannot see it" incident is open. */
  blindIncidentOpen: boolean;
  /** Ids of the active alerts held, not paged, while their server is in OneView's maintenance mode. */
  heldForMaintenance: string[];
  /** Storm groups (enclosure, parent alert, children that joined its incident) and alerts held for a parent. */
  storm: { groups: { resource: string; parentAlertId: string; children: string[] }[]; waiting: string[] };
  /** Maintenance windows on now (scheduled and operators'), with their end (ISO-8601). */
  windows: { id: string; end: string; reason?: string; scope: WindowScope; scheduled: boolean }[];
  /** Alerts whose delivery waits for a window's end, by window. */
  suppressed: Record<string, string[]>;
}

/** Input of `fetchAlertChanges`. */
export interface FetchAlertChangesInput {
  applianceId: string;
  session: OneViewSession;
  watermark?: AlertWatermark;
  severities: string[];
  /** A reconciliation's full read of the active alerts rather than a poll for changes. */
  snapshot?: boolean;
  /**
   * Read these alerts one by one instead (`GET /rest/alerts/{id}`): how a pushed clear is confirmed with the appliance
   * before it resolves anything.
   */
  ids?: string[];
}

/** Result of `fetchAlertChanges`: the alerts changed since the watermark, oldest change first. */
export interface FetchAlertChangesResult {
  alerts: AlertRecord[];
  watermark?: AlertWatermark;
  /** Set when the activity had to log in again after a 401; the poller carries it from then on. */
  relogin?: OneViewLogin;
  pages: number;
  /** With `ids`: the alerts the appliance no longer has (404). */
  gone?: string[];
  /** Alerts the appliance returned that failed validation: logged, counted and left out. */
  rejected?: number;
}

/** Input of `readMaintenance`: the servers (resource URIs of alerts) to look at, with the poller's session. */
export interface ReadMaintenanceInput {
  applianceId: string;
  session: OneViewSession;
  resourceUris: string[];
}

/** Result of `readMaintenance`: those of the servers OneView has in maintenance mode. */
export interface ReadMaintenanceResult {
  inMaintenance: string[];
}

/** Input of `readEnclosures`: the resources (blades, interconnects) of alerts whose enclosure the poller needs. */
export interface ReadEnclosuresInput {
  applianceId: string;
  session: OneViewSession;
  resourceUris: string[];
}

/** Result of `readEnclosures`: what each resource sits below, its enclosure first, then a server's interconnects. */
export interface ReadEnclosuresResult {
  parents: Record<string, string[]>;
}

/** Input of `testConnection`. */
export interface TestConnectionInput {
  applianceId: string;
}

/** What `testConnection` found: each step with its latency and error. */
export interface ConnectionCheck {
  applianceId: string;
  ok: boolean;
  steps: { step: string; ok: boolean; ms: number; error?: string }[];
  /**
   * Set when no login was tried, and why: the appliance was tested less than a minute ago, or its poller is backing off
   * after a rejected login (another login could lock the account). `ok` is false then.
   */
  skipped?: string;
  /** With `skipped`: when a new test may log in (seconds from now). */
  retryAfterSeconds?: number;
}

/** Input of `listOpenDeliveries`. */
export interface ListOpenDeliveriesInput {
  applianceId: string;
}

/** Input of `renewSession`. */
export interface RenewSessionInput {
  applianceId: string;
  /** Logged out once the new session is in hand. */
  previous?: OneViewLogin;
}

/** Input of `alertDeliveryWorkflow`. */
export interface AlertDeliveryInput {
  applianceId: string;
  applianceHost: string;
  alert: AlertRecord;
  /** The fairness key of every send: the routing key's non-secret id. Absent: sends share one budget. */
  routingKeyId?: string;
  /** How failing sends back off; the defaults otherwise. */
  retry?: PagerDutyRetry;
  /**
   * Started inside a maintenance window: no page before `until` (epoch ms, workflow time; moved by `suppressUntil`),
   * and none at all if the alert clears first.
   */
  suppress?: { window: string; until: number };
  /**
   * Where it pages, as the routes decided when it started (it keeps them while open, whatever the rules become);
   * absent: the appliance's own key.
   */
  targets?: DeliveryTarget[];
  /**
   * The namespace has the bridge's search attributes (ApplianceId, AlertSeverity, AlertState, ResourceCategory,
   * DeliveryState): the starter set them with the start, the delivery keeps AlertState and DeliveryState current.
   */
  searchAttributes?: boolean;
}

/** PagerDuty event actions this product sends. */
export type DeliveryAction = 'trigger' | 'resolve';

/** Input of `sendPagerDutyEvent`; the routing key is looked up by appliance on the worker, never carried. */
export type SendPagerDutyEventInput = {
  action: DeliveryAction;
  applianceId: string;
  applianceHost: string;
  /** The route whose routing key it goes to; absent or `default`: the appliance's own key. */
  route?: string;
  /** The id of the route's key when the delivery started, to notice a key changed under an open incident. */
  routingKeyId?: string;
  /** The route's PagerDuty severity, instead of the mapped OneView severity. */
  severity?: PagerDutySeverity;
  /** A storm's parent: the alerts below it that joined its incident (listed), and how many joined in all. */
  related?: { listed: RelatedAlert[]; total: number };
} & ({ alert: AlertRecord; blind?: undefined } | { blind: BlindIncident; alert?: undefined });

/** One alert a storm's parent lists in its incident: which alert, on what, and what it says (bounded). */
export interface RelatedAlert {
  id: string;
  uri: string;
  severity: string;
  /** At most 200 code points. */
  description: string;
  created: string;
  resourceName?: string;
}

/** Result of `sendPagerDutyEvent`: PagerDuty accepted the event. */
export interface SendPagerDutyEventResult {
  dedupKey: string;
}

/** Lifecycle of one alert's delivery, as the `state` query reports it. */
export type DeliveryPhase = 'suppressed' | 'skipped' | 'triggering' | 'triggered' | 'resolving' | 'resolved' | 'failed';

/** Answer of the delivery workflow's `state` query. */
export interface DeliveryState {
  applianceId: string;
  alertId: string;
  dedupKey: string;
  phase: DeliveryPhase;
  clearedSeen: boolean;
  error?: string;
  /** The routes it pages through (`default`: the appliance's own key). */
  routes: string[];
  /** A storm's parent: ids of the alerts below it that joined its incident. */
  related?: string[];
  /** While suppressed: the window, and when it ends (ISO-8601). */
  suppressedBy?: { window: string; until: string };
  /** Every PagerDuty send's outcome, in order (the last {@link MAX_SEND_LOG}). */
  sends?: SendRecord[];
}

/** What a poller remembers deciding about an alert that did not page on its own. */
export interface AlertDecision {
  /** dropped by a route, joined its enclosure's incident, held for maintenance mode, waiting for a storm's parent. */
  what: 'dropped' | 'grouped' | 'held' | 'waiting';
  /** The route, the parent alert id, the server, or the enclosure. */
  detail: string;
  /** ISO-8601 (workflow time). */
  at: string;
}

/** The poller's `alertDecision` answer: what it decided, what holds the alert now, and its severity filter. */
export interface AlertDecisionAnswer {
  applianceId: string;
  severities: string[];
  /** The alert version the poller last decided about, and when it saw it cleared. */
  handled?: { modified: string; clearedAt?: string };
  decision?: AlertDecision;
  /** Held now: by maintenance mode, a storm group (its parent), a group wait, or a window (its delivery waits). */
  now?: string;
}

/** Most sends a delivery's state keeps (a storm parent re-sends its trigger at each join). */
export const MAX_SEND_LOG = 50;

/** One PagerDuty send of a delivery as its state records it: when it ended (workflow time) and how. */
export interface SendRecord {
  action: DeliveryAction;
  route: string;
  /** ISO-8601. */
  at: string;
  ok: boolean;
  /** Why it failed for good (the message of its final failure). */
  error?: string;
  /** A storm parent's trigger: how many alerts below it it listed. */
  related?: number;
}
