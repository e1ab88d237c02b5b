import { ApplicationFailure } from '@temporalio/common';
import type { createActivities } from '../../../src/activities';
import { blindDedupKeyFor, dedupKeyFor } from '../../../src/shared/dedup-key';
import type { FailureType } from '../../../src/shared/failure-types';
import type {
  AlertRecord,
  AlertWatermark,
  ConnectionCheck,
  FetchAlertChangesInput,
  FetchAlertChangesResult,
  ListOpenDeliveriesInput,
  OneViewLogin,
  ReadMaintenanceInput,
  ReadEnclosuresInput,
  ReadEnclosuresResult,
  ReadMaintenanceResult,
  RenewSessionInput,
  SendPagerDutyEventInput,
  SendPagerDutyEventResult,
  TestConnectionInput,
} from '../../../src/shared/types';

/** The bridge's activities as the workflows call them; a fake must offer every one. */
export type BridgeActivities = ReturnType<typeof createActivities>;

const DAY_START = Date.UTC(2026, 10, 29, 12, 0);

/** An alert timestamp `minute` minutes into the scripted day: a later minute is a newer version of an alert. */
export const at = (minute: number): string => new Date(DAY_START + minute * 60_000).toISOString();

/** An alert record as the entrance validator builds it (Critical and Active unless told otherwise). */
export function alert(
  id: string,
  over: { severity?: string; state?: 'Active' | 'Locked' | 'Cleared'; minute?: number } = {},
): AlertRecord {
  return {
    id,
    uri: `/rest/alerts/${id}`,
    severity: over.severity ?? 'Critical',
    alertState: over.state ?? 'Active',
    description: `scripted alert ${id}`,
    created: at(0),
    modified: at(over.minute ?? 0),
  };
}

/**
 * A failure as the activity boundary raises it: an `ApplicationFailure` of the given type. Every one is left retryable
 * (the real boundary marks auth and certificate failures non-retryable too), so whatever is final is decided by the
 * poller's own retry policy, which is what the tests look at. Each asks for its retry after 10 ms: a local activity's
 * backoff runs on the worker's clock, which time skipping does not skip, and the real 2 s + 4 s would cost every
 * unreachable poll 6 s of wall time.
 */
export function oneViewFailure(type: FailureType): ApplicationFailure {
  return ApplicationFailure.create({ message: `scripted ${type}`, type, nonRetryable: false, nextRetryDelay: 10 });
}

/** One PagerDuty event the fake sender accepted. */
export interface SentEvent {
  action: SendPagerDutyEventInput['action'];
  alertId: string;
  /** A storm parent's trigger: how many alerts below it it lists as joined. */
  related?: number;
}

/**
 * One OneView appliance and one PagerDuty service, scripted: every activity records its input and answers from the
 * script. Polls answer the queued changes in order (then "nothing new"); a read by id answers what `current` holds
 * (an id missing there is gone, as a 404); a failure set for an activity is thrown by every call until it is cleared;
 * logins hand out tokens `fake-session-1`, `-2`, ...; every send is accepted and every connection test passes.
 */
export class FakeAppliance {
  /** Every call of each activity, in order, with its input. */
  readonly calls = {
    renewSession: [] as RenewSessionInput[],
    fetchAlertChanges: [] as FetchAlertChangesInput[],
    listOpenDeliveries: [] as ListOpenDeliveriesInput[],
    testConnection: [] as TestConnectionInput[],
    sendPagerDutyEvent: [] as SentEvent[],
    readEnclosures: [] as ReadEnclosuresInput[],
  };

  /** The appliance's alerts as a read by id (and a reconciliation snapshot) sees them. */
  readonly current = new Map<string, AlertRecord>();

  /** Thrown by every call of that activity while set. */
  readonly failing: { renewSession?: FailureType; fetchAlertChanges?: FailureType } = {};

  /** Resource URIs of the servers OneView has in maintenance mode. */
  readonly maintenance = new Set<string>();

  /** What each blade or interconnect sits below (its enclosure first, then a server's interconnects), by resource URI. */
  readonly topology = new Map<string, string[]>();

  /** While set, a read by id waits for it to settle (a test acts while the poller's read is in flight). */
  holdReadsById?: Promise<void>;

  private readonly changes: AlertRecord[][] = [];
  private watermark?: AlertWatermark;
  private tokens = 0;

  /** Queues the answer of one poll: these alerts changed since the watermark (the appliance then holds them so). */
  changesNextPoll(...alerts: AlertRecord[]): this {
    this.changes.push(alerts);
    return this;
  }

  /** Polls for changes (not reads by id, not reconciliation snapshots), with the watermark each was given. */
  get polls(): FetchAlertChangesInput[] {
    return this.calls.fetchAlertChanges.filter((c) => !c.ids && !c.snapshot);
  }

  /** Reads of single alerts by id: how the poller asks the appliance about a pushed clear. */
  get readsById(): string[][] {
    return this.calls.fetchAlertChanges.flatMap((c) => (c.ids ? [c.ids] : []));
  }

  /** The events sent for one alert, in order. */
  sentFor(alertId: string): SentEvent['action'][] {
    return this.calls.sendPagerDutyEvent.filter((e) => e.alertId === alertId).map((e) => e.action);
  }

  /** The activities a worker runs in place of the real ones. */
  activities(): BridgeActivities {
    return {
      renewSession: async (input: RenewSessionInput): Promise<OneViewLogin> => {
        this.calls.renewSession.push(input);
        if (this.failing.renewSession) throw oneViewFailure(this.failing.renewSession);
        return { token: `fake-session-${++this.tokens}`, apiVersion: 6000 };
      },
      fetchAlertChanges: async (input: FetchAlertChangesInput): Promise<FetchAlertChangesResult> => {
        this.calls.fetchAlertChanges.push(input);
        if (this.failing.fetchAlertChanges) throw oneViewFailure(this.failing.fetchAlertChanges);
        if (input.ids) {
          await this.holdReadsById;
          const found = input.ids.flatMap((id) => (this.current.has(id) ? [this.current.get(id)!] : []));
          return { alerts: found, gone: input.ids.filter((id) => !this.current.has(id)), pages: input.ids.length };
        }
        if (input.snapshot)
          return { alerts: [...this.current.values()].filter((a) => a.alertState !== 'Cleared'), pages: 1 };
        const alerts = this.changes.shift() ?? [];
        for (const a of alerts) this.current.set(a.id, a);
        const newest = alerts.reduce<string | undefined>(
          (m, a) => (m === undefined || a.modified > m ? a.modified : m),
          undefined,
        );
        if (newest && (!this.watermark || newest > this.watermark.modified)) {
          this.watermark = {
            modified: newest,
            idsAtModified: alerts.filter((a) => a.modified === newest).map((a) => a.id),
          };
        }
        return { alerts, watermark: this.watermark, pages: 1 };
      },
      readMaintenance: async (input: ReadMaintenanceInput): Promise<ReadMaintenanceResult> => ({
        inMaintenance: input.resourceUris.filter((uri) => this.maintenance.has(uri)),
      }),
      readEnclosures: async (input: ReadEnclosuresInput): Promise<ReadEnclosuresResult> => {
        this.calls.readEnclosures.push(input);
        return {
          parents: Object.fromEntries(
            input.resourceUris.flatMap((uri) => (this.topology.has(uri) ? [[uri, this.topology.get(uri)!]] : [])),
          ),
        };
      },
      // The message bus is exercised against a real broker (test/e2e/scmb-*.test.ts); these tests have none.
      consumeScmb: async (): Promise<void> => {
        throw new Error('no message bus in workflow-logic tests');
      },
      listOpenDeliveries: async (input: ListOpenDeliveriesInput): Promise<string[]> => {
        this.calls.listOpenDeliveries.push(input);
        return [];
      },
      testConnection: async (input: TestConnectionInput): Promise<ConnectionCheck> => {
        this.calls.testConnection.push(input);
        // Every step of a connection test passes.
        const steps = ['version', 'login', 'alerts', 'logout'].map((step) => ({ step, ok: true, ms: 1 }));
        return { applianceId: input.applianceId, ok: true, steps };
      },
      sendPagerDutyEvent: async (input: SendPagerDutyEventInput): Promise<SendPagerDutyEventResult> => {
        // The appliance's own incident is recorded under the alert id 'bridge'.
        this.calls.sendPagerDutyEvent.push({
          action: input.action,
          alertId: input.alert?.id ?? 'bridge',
          ...(input.related ? { related: input.related.total } : {}),
        });
        return {
          dedupKey: input.alert ? dedupKeyFor(input.applianceId, input.alert.id) : blindDedupKeyFor(input.applianceId),
        };
      },
    };
  }
}
