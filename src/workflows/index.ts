/**
 * Workflows of the bridge: `appliancePollerWorkflow` (ID `oneview-poller/<applianceId>`) and `alertDeliveryWorkflow`
 * (ID `oneview-alert/<applianceId>/<alertId>`).
 */
export { appliancePollerWorkflow } from './appliance-poller';
export { alertDeliveryWorkflow } from './alert-delivery';
