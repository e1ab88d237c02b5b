import type { OneViewAlert } from './types';
import { bladeUri } from './server-hardware';

const DESCRIPTIONS: Record<
  string,
  { description: string; correctiveAction: string; alertTypeID: string; healthCategory: string }
> = {
  Critical: {
    description: 'The power supply in bay 2 has failed.',
    correctiveAction: 'Replace the power supply in bay 2.',
    alertTypeID: 'Trap.cpqHe4FltTolPowerSupplyFailed',
    healthCategory: 'Power',
  },
  Warning: {
    description: 'Utilization data has not been successfully collected for 38 minutes and 5 attempts.',
    correctiveAction: 'Check the management processor network connection.',
    alertTypeID: 'Trap.cpqHo2GenericTrap',
    healthCategory: 'ManagementProcessor',
  },
  OK: { description: 'Cold Start.', correctiveAction: '', alertTypeID: 'Trap.coldStart', healthCategory: 'None' },
};

/** What changed, as the appliance's State-Change Message Bus names it. */
export type AlertChangeType = 'Created' | 'Updated' | 'Deleted';

/** Told of every change of an alert, after it happened (the SCMB publisher listens). */
export type AlertChangeListener = (
  changeType: AlertChangeType,
  alert: OneViewAlert,
  changedAttributes: string[],
  userInitiated: boolean,
) => void;

/** The simulator's alerts, in creation order, with OneView's life-cycle rules applied on write. */
export class AlertStore {
  private readonly alerts = new Map<string, OneViewAlert>();
  private nextId = 1;
  private lastStamp = 0;
  private readonly listeners: AlertChangeListener[] = [];

  /** Calls `listener` after every create, update, clear and delete. */
  onChange(listener: AlertChangeListener): void {
    this.listeners.push(listener);
  }

  private changed(...args: Parameters<AlertChangeListener>): void {
    for (const listener of this.listeners) listener(...args);
  }

  /** Every alert, in creation order. */
  all(): OneViewAlert[] {
    return [...this.alerts.values()];
  }

  /** One alert by its id (last URI segment). */
  get(id: string): OneViewAlert | undefined {
    return this.alerts.get(id);
  }

  /** Stores a full or partial alert, filling what is missing the way an appliance would. */
  add(partial: Partial<OneViewAlert>): OneViewAlert {
    const now = this.stamp();
    const severity = typeof partial.severity === 'string' ? partial.severity : 'Critical';
    const template = DESCRIPTIONS[severity] ?? DESCRIPTIONS.Critical!;
    const uri = typeof partial.uri === 'string' ? partial.uri : `/rest/alerts/${this.nextId}`;
    const id = uri.slice(uri.lastIndexOf('/') + 1);
    // Only ids that are safe integers move the counter: a 1,000-digit id would make every later id "Infinity".
    if (/^\d{1,15}$/.test(id)) this.nextId = Math.max(this.nextId, Number(id) + 1);
    const bay = (Number(id) % 16) + 1 || 1;
    const resourceUri = bladeUri(bay);
    // Alerts of severity OK are life-cycle alerts: OneView clears them at birth.
    const bornCleared = severity === 'OK';
    const alert: OneViewAlert = {
      type: 'AlertResourceV3',
      uri,
      category: 'alerts',
      description: template.description,
      correctiveAction: template.correctiveAction || null,
      severity,
      alertState: bornCleared ? 'Cleared' : 'Active',
      urgency: severity === 'Critical' ? 'High' : 'None',
      healthCategory: template.healthCategory,
      alertTypeID: template.alertTypeID,
      physicalResourceType: 'server-hardware',
      resourceUri,
      resourceID: null,
      associatedResource: {
        resourceName: `Encl1, bay ${bay}`,
        resourceUri,
        resourceCategory: 'server-hardware',
        associationType: 'HAS_A',
      },
      lifeCycle: bornCleared,
      associatedEventUris: [`/rest/events/${1000 + Number(id) || 1000}`],
      assignedToUser: null,
      clearedByUser: bornCleared ? 'System' : null,
      clearedTime: bornCleared ? now : null,
      changeLog: bornCleared
        ? [{ userEntered: false, uri: null, notes: 'CLEARED', username: 'System', created: null }]
        : [],
      activityUri: null,
      parentAlert: null,
      childAlerts: null,
      serviceEventSource: false,
      serviceEventDetails: null,
      created: now,
      modified: now,
      eTag: now,
      ...partial,
    };
    if (typeof partial.modified === 'string' && partial.eTag === undefined) alert.eTag = partial.modified;
    this.alerts.set(id, alert);
    this.changed('Created', alert, [], false);
    return alert;
  }

  /** Clears an alert in place, as OneView does when the hardware recovers: same URI, new `modified` and `eTag`. */
  clear(id: string): OneViewAlert | undefined {
    const alert = this.alerts.get(id);
    if (!alert) return undefined;
    const now = this.stamp();
    alert.alertState = 'Cleared';
    alert.clearedTime = now;
    alert.clearedByUser = 'System';
    alert.modified = now;
    alert.eTag = now;
    alert.changeLog = [
      ...(alert.changeLog ?? []),
      { userEntered: false, uri: null, notes: 'CLEARED', username: 'System', created: now },
    ];
    this.changed('Updated', alert, ['alertState', 'clearedTime', 'clearedByUser', 'changeLog'], false);
    return alert;
  }

  /** Applies a user's PUT: only alertState, alertUrgency, assignedToUser and notes change; notes add a change-log entry. */
  update(id: string, body: Record<string, unknown>, userName: string): OneViewAlert | undefined {
    const alert = this.alerts.get(id);
    if (!alert) return undefined;
    const now = this.stamp();
    const attributes = ['alertState', 'alertUrgency', 'assignedToUser', 'notes'].filter((k) => body[k] !== undefined);
    if (typeof body.alertState === 'string') {
      alert.alertState = body.alertState;
      if (body.alertState === 'Cleared') {
        alert.clearedTime = now;
        alert.clearedByUser = userName;
      }
    }
    if (typeof body.alertUrgency === 'string') alert.urgency = body.alertUrgency;
    if (typeof body.assignedToUser === 'string') alert.assignedToUser = body.assignedToUser;
    if (typeof body.notes === 'string') {
      const entryUri = `/rest/alerts/AlertChangeLog/${id}${alert.changeLog.length + 1}`;
      alert.changeLog = [
        ...alert.changeLog,
        { userEntered: true, uri: entryUri, notes: body.notes, username: userName, created: now },
      ];
    }
    alert.modified = now;
    alert.eTag = now;
    this.changed('Updated', alert, attributes, true);
    return alert;
  }

  /** Deletes one alert. */
  remove(id: string): void {
    const alert = this.alerts.get(id);
    if (!alert) return;
    this.alerts.delete(id);
    this.changed('Deleted', alert, [], false);
  }

  /** Forgets every alert. */
  reset(): void {
    this.alerts.clear();
    this.nextId = 1;
  }

  // Timestamps have millisecond resolution like OneView's; several alerts may share one, which clients must survive.
  private stamp(): string {
    const now = Date.now();
    this.lastStamp = Math.max(now, this.lastStamp);
    return new Date(this.lastStamp).toISOString();
  }
}
