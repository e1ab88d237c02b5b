/**
 * Workflows of the bridge: `appliancePollerWorkflow` (ID `oneview-poller/<applianceId>`) and
 * `alertDeliveryWorkflow` (ID `oneview-alert/<applianceId>/<alertId>`) and `pagerDutyLimiterWorkflow`
 * (ID `pagerduty-limiter/<task queue>/<routing key hash>`).
 */
export { appliancePollerWorkflow } from './appliance-poller';
export { alertDeliveryWorkflow } from './alert-delivery';
export { pagerDutyLimiterWorkflow } from './send-limiter';
