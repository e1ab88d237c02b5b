import type { RouteConfig } from '../config/routes-file';
import type { WorkerConfig } from '../config/types';
import type { Client } from '@temporalio/client';
import type {
  FetchAlertChangesInput,
  ListOpenDeliveriesInput,
  TestConnectionInput,
  OneViewLogin,
  RenewSessionInput,
  SendPagerDutyEventInput,
  ConsumeScmbInput,
  ReadMaintenanceInput,
  ReadEnclosuresInput,
} from '../shared/types';
import { ApplianceRegistry } from './appliance-registry';
import { createBridgeMetrics, type BridgeMetrics } from './bridge-metrics';
import { fetchAlertChanges } from './fetch-alert-changes';
import { listOpenDeliveries } from './list-open-deliveries';
import { testConnection } from './test-connection';
import { PagerDutySender } from './pagerduty/pagerduty-sender';
import { readEnclosures } from './read-enclosures';
import { readMaintenance } from './read-maintenance';
import { TopologyCache } from './oneview/topology-cache';
import { renewSession } from './renew-session';
import { sendPagerDutyEvent } from './send-pagerduty-event';
import { consumeScmb } from './scmb/consume-scmb';
import { atBoundary } from './to-application-failure';

/** What the activities are bound to; the worker builds it once and closes it at shutdown. */
export interface ActivityDeps {
  /** Temporal client for visibility queries (reconciliation). */
  client: Client;
  registry: ApplianceRegistry;
  sender: PagerDutySender;
  metrics: BridgeMetrics;
  /** Shortest wait after a 429 (PAGERDUTY_RATE_LIMIT_MIN_DELAY_MS). */
  rateLimitMinMs: number;
  /** Where appliances' own "cannot see it" incidents go, when not to each appliance's key. */
  blindRoutingKey?: string;
  /** ROUTES_FILE's routes by name, with their routing keys. */
  routes: ReadonlyMap<string, RouteConfig>;
  /** Each appliance's enclosure topology, read in bulk and shared by its polls on this worker. */
  topology: TopologyCache;
}

/** Builds the dependencies of the activities from the worker's configuration. */
export function createActivityDeps(
  config: Pick<WorkerConfig, 'appliances' | 'pagerDuty'> & Partial<Pick<WorkerConfig, 'routes'>>,
  client: Client,
  metrics: BridgeMetrics = createBridgeMetrics(),
): ActivityDeps {
  return {
    client,
    registry: new ApplianceRegistry(config.appliances, metrics),
    sender: new PagerDutySender(config.pagerDuty.eventsUrl),
    metrics,
    rateLimitMinMs: config.pagerDuty.retry.rateLimitMinMs,
    routes: new Map((config.routes ?? []).map((r) => [r.name, r])),
    topology: new TopologyCache(),
    ...(config.pagerDuty.blindRoutingKey ? { blindRoutingKey: config.pagerDuty.blindRoutingKey } : {}),
  };
}

/** The activities of the bridge, bound to their dependencies, each translating errors at the Temporal boundary. */
export function createActivities(deps: ActivityDeps) {
  return {
    renewSession: atBoundary((input: RenewSessionInput): Promise<OneViewLogin> =>
      renewSession(deps.registry, deps.metrics, input),
    ),
    fetchAlertChanges: atBoundary((input: FetchAlertChangesInput) =>
      fetchAlertChanges(deps.registry, deps.metrics, input),
    ),
    readMaintenance: atBoundary((input: ReadMaintenanceInput) => readMaintenance(deps.registry, input)),
    readEnclosures: atBoundary((input: ReadEnclosuresInput) => readEnclosures(deps.registry, deps.topology, input)),
    testConnection: (input: TestConnectionInput) => testConnection(deps.registry, input),
    listOpenDeliveries: atBoundary((input: ListOpenDeliveriesInput) => listOpenDeliveries(deps.client, input)),
    sendPagerDutyEvent: atBoundary((input: SendPagerDutyEventInput) => sendPagerDutyEvent(deps, input)),
    consumeScmb: atBoundary((input: ConsumeScmbInput) => consumeScmb(deps, input)),
  };
}
