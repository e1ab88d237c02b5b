import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AlertClear, AlertRecord, ConnectionCheck, DeliveryState, PollerSettings, PollerStatus, SlotAnswer, SlotRequest, SlotUse } from '../shared/types';

/** Asks a poller to poll now instead of at the end of its interval. */
export const forcePollSignal = defineSignal('forcePoll');

/**
 * Hands a poller alerts pushed by the webhook; active ones are handled like polled ones, a pushed clear only after the
 * appliance confirms it.
 */
export const alertsPushedSignal = defineSignal<[AlertRecord[]]>('alertsPushed');

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

/** Asks a routing key's limiter for a send slot; answered by `slotGranted` to the requesting workflow. */
export const requestSlotSignal = defineSignal<[SlotRequest]>('requestSlot');

/**
 * Asks a routing key's limiter for a send slot and answers at once: granted (send now; a delivery that holds a slot
 * gets it again) or queued (`slotGranted` follows). Sent by the send activity, so a free slot costs the delivery no
 * workflow task.
 */
export const takeSlotUpdate = defineUpdate<SlotAnswer, [SlotRequest]>('takeSlot');

/** Changes a limiter's rate (sent by every worker at boot). */
export const limiterSettingsSignal = defineSignal<[{ perMinute: number }]>('limiterSettings');

/** Lets a delivery send one event now. */
export const slotGrantedSignal = defineSignal('slotGranted');

/** Tells a routing key's limiter that a granted slot was used (or given up), so it counts the send, not the grant. */
export const slotUsedSignal = defineSignal<[SlotUse]>('slotUsed');

/** Tells a delivery workflow that its alert is over (cleared on OneView, gone from it, or resolved by hand). */
export const alertClearedSignal = defineSignal<[AlertClear]>('alertCleared');

/** Reports where one alert's delivery stands. */
export const stateQuery = defineQuery<DeliveryState>('state');
