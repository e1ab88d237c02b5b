import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Where a delivery stands (triggering, triggered, resolving, resolved, failed), searchable in the Web UI. */
export const DELIVERY_PHASE = defineSearchAttributeKey('BridgeDeliveryPhase', SearchAttributeType.KEYWORD);

/** The appliance a delivery belongs to. */
export const APPLIANCE_ID = defineSearchAttributeKey('OneViewApplianceId', SearchAttributeType.KEYWORD);

/** Every custom search attribute the bridge uses; registered by workers at boot. */
export const BRIDGE_SEARCH_ATTRIBUTES = [DELIVERY_PHASE, APPLIANCE_ID];
