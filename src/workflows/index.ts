/**
 * Workflows of the bridge: `appliancePollerWorkflow` (ID `oneview-poller/<applianceId>`), `alertDeliveryWorkflow`
 * (ID `oneview-alert/<applianceId>/<alertId>`), `applianceBlindWorkflow` (ID `oneview-blind/<applianceId>`) and
 * `scmbConsumerWorkflow` (ID `oneview-scmb/<applianceId>`).
 */
export { appliancePollerWorkflow } from './appliance-poller';
export { alertDeliveryWorkflow } from './alert-delivery';
export { applianceBlindWorkflow } from './appliance-blind';
export { scmbConsumerWorkflow } from './scmb-consumer';
