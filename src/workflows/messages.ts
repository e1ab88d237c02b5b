import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DeliveryExplanation } from './delivery-explanation';
import type {
  AlertClear,
  AlertRecord,
  ConnectionCheck,
  AlertDecisionAnswer,
  DeliveryState,
  OpenWindowRequest,
  RelatedAlert,
  PollerSettings,
  PollerStatus,
  ScmbStatus,
} from '../shared/types';

/** Asks a poller to poll now instead of at the end of its interval. */
export const forcePollSignal = defineSignal('forcePoll');

/**
 * Hands a poller alerts pushed by the webhook; active ones are handled like polled ones, a pushed clear only after the
 * appliance confirms it.
 */
export const alertsPushedSignal = defineSignal<[AlertRecord[]]>('alertsPushed');

/**
 * The message-bus consumer's state, from the activity holding it: connected (a fresh queue, so the poller polls at
 * once to catch up) or not (the normal poll interval returns at once).
 */
export const scmbStateSignal = defineSignal<[ScmbStatus]>('scmbState');

/** Replaces a running poller's settings (sent by every worker at boot, so config changes reach running pollers). */
export const updateSettingsSignal = defineSignal<[PollerSettings]>('updateSettings');

/** Stops a poller from polling until `resume`. */
export const pauseSignal = defineSignal('pause');

/** Lets a paused poller poll again. */
export const resumeSignal = defineSignal('resume');

/** Reports a poller's session, last poll, watermark and counters. */
export const statusQuery = defineQuery<PollerStatus>('status');

/**
 * Checks the appliance's connection as a poll would (version, login, one query, logout) from the poller, which knows
 * when it last did and whether a login was just rejected, so tests never add logins towards an account lockout.
 */
export const testConnectionUpdate = defineUpdate<ConnectionCheck>('testConnection');

/** Tells a delivery workflow that its alert is over (cleared on OneView, gone from it, or resolved by hand). */
export const alertClearedSignal = defineSignal<[AlertClear]>('alertCleared');

/**
 * Tells a storm's parent delivery which alerts below its enclosure joined its incident (the whole list each time, so
 * a lost or repeated signal changes nothing): it sends its trigger again with them listed.
 */
export const relatedAlertsSignal = defineSignal<[{ listed: RelatedAlert[]; total: number }]>('relatedAlerts');

/** Opens (or moves the end of) an operator's maintenance window on a poller. */
export const openWindowSignal = defineSignal<[OpenWindowRequest]>('openWindow');

/** Ends an operator's maintenance window on a poller now: the deliveries it held page if their alert is still active. */
export const closeWindowSignal = defineSignal<[{ id: string }]>('closeWindow');

/** Moves the end of a suppressed delivery's window (epoch ms; now or earlier ends it). */
export const suppressUntilSignal = defineSignal<[{ until: number }]>('suppressUntil');

/** A delivery's decision chain as lines a person reads: routes, window, grouping, every send and where it stands. */
export const explainQuery = defineQuery<DeliveryExplanation>('explain');

/** What a poller decided about one alert that has no delivery of its own (dropped, grouped, held), if it remembers. */
export const alertDecisionQuery = defineQuery<AlertDecisionAnswer, [string]>('alertDecision');

/** Reports where one alert's delivery stands. */
export const stateQuery = defineQuery<DeliveryState>('state');
