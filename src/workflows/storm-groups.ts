import { boundText } from '../shared/bounded-text';
import type { AlertRecord, RelatedAlert, StormState } from '../shared/types';

/** Most children one parent's incident lists; beyond it they still join (and stay quiet), only counted. */
export const MAX_LISTED_CHILDREN = 50;

/** Most children one group holds: a storm beyond it pages the rest on their own rather than grow the poller's state. */
export const MAX_CHILDREN_PER_GROUP = 500;

/** Most alerts held for a group wait at once, for the same reason. */
export const MAX_WAITING = 1000;

interface Child {
  alert: AlertRecord;
  /** It paged before (re-activated): its own delivery, when released, starts again rather than first. */
  again?: boolean;
}

interface Group {
  parent: AlertRecord;
  /** When the group opened (workflow time). */
  openedAt: number;
  children: Map<string, Child>;
}

interface Waiting {
  alert: AlertRecord;
  /** The resource (enclosure or interconnect) whose alert it waits for. */
  resource: string;
  until: number;
}

/**
 * The poller's storm groups: per enclosure or interconnect with an active alert of its own (the parent, paged), the
 * alerts of the resources below it (blades and interconnects in an enclosure, servers whose ports reach an
 * interconnect) that joined the parent's incident instead of paging; and the alerts held briefly (group wait) in case
 * such a parent's alert follows. Part of the poller's state, so a restart cannot race it.
 */
export class StormGroups {
  private readonly groups = new Map<string, Group>();
  private readonly waiting = new Map<string, Waiting>();

  constructor(state?: StormState) {
    for (const g of state?.groups ?? [])
      this.groups.set(g.resource, {
        parent: g.parent,
        openedAt: g.openedAt,
        children: new Map(g.children.map((c) => [c.alert.id, c])),
      });
    for (const w of state?.waiting ?? []) this.waiting.set(w.alert.id, { ...w });
  }

  get size(): number {
    return this.groups.size;
  }

  /** Opens a group for a paged enclosure alert; an enclosure with a group already keeps its first parent. */
  open(parent: AlertRecord, now: number): void {
    const enclosure = parent.resourceUri;
    if (enclosure && !this.groups.has(enclosure))
      this.groups.set(enclosure, { parent, openedAt: now, children: new Map() });
  }

  /**
   * Adds an alert to the group of a resource it sits below when there is one, with room, and the alert was raised
   * within `windowMs` of the parent (either side); returns the parent's id, or undefined when it must page otherwise.
   */
  join(resource: string, alert: AlertRecord, windowMs: number, again: boolean): string | undefined {
    const group = this.groups.get(resource);
    if (!group || Math.abs(Date.parse(alert.created) - Date.parse(group.parent.created)) > windowMs) return undefined;
    if (!group.children.has(alert.id) && group.children.size >= MAX_CHILDREN_PER_GROUP) return undefined;
    group.children.set(alert.id, again ? { alert, again } : { alert });
    return group.parent.id;
  }

  /** The children listed in a parent's incident (the oldest {@link MAX_LISTED_CHILDREN}) and how many there are. */
  childrenOf(resource: string): { listed: RelatedAlert[]; total: number } {
    const children = [...(this.groups.get(resource)?.children.values() ?? [])];
    return { listed: children.slice(0, MAX_LISTED_CHILDREN).map((c) => relatedOf(c.alert)), total: children.length };
  }

  /** The parent alert id of a resource's group. */
  parentOf(resource: string): string | undefined {
    return this.groups.get(resource)?.parent.id;
  }

  /** The parents of groups opened before `before` (workflow time). */
  parentsOpenedBefore(before: number): string[] {
    return [...this.groups.values()].filter((g) => g.openedAt < before).map((g) => g.parent.id);
  }

  /** Where an alert waits now: the parent whose incident lists it, or the enclosure whose alert it waits for. */
  whereIs(alertId: string): { parent: string } | { waitingFor: string } | undefined {
    for (const g of this.groups.values()) if (g.children.has(alertId)) return { parent: g.parent.id };
    const w = this.waiting.get(alertId);
    return w ? { waitingFor: w.resource } : undefined;
  }

  /** Holds an alert until `until`, in case its enclosure's alert arrives; false when too many are held already. */
  wait(alert: AlertRecord, resource: string, until: number): boolean {
    const held = this.waiting.get(alert.id);
    if (!held && this.waiting.size >= MAX_WAITING) return false;
    this.waiting.set(alert.id, { alert, resource, until: held?.until ?? until });
    return true;
  }

  isWaiting(alertId: string): boolean {
    return this.waiting.has(alertId);
  }

  /** When the first held alert falls due (workflow time). */
  nextWaitDue(): number | undefined {
    let first: number | undefined;
    for (const w of this.waiting.values()) if (first === undefined || w.until < first) first = w.until;
    return first;
  }

  /** Takes the held alerts that are due. */
  takeDue(now: number): Waiting[] {
    const due = [...this.waiting.values()].filter((w) => w.until <= now);
    for (const w of due) this.waiting.delete(w.alert.id);
    return due;
  }

  /** Forgets a cleared child or held alert: it never pages, and leaves its parent's list. */
  forget(alertId: string): void {
    this.waiting.delete(alertId);
    for (const g of this.groups.values()) g.children.delete(alertId);
  }

  /**
   * Ends the group whose parent this is (its alert cleared or is gone, or its delivery ended) and returns the children
   * still in it, which now page on their own; undefined when the alert is no group's parent.
   */
  dissolve(parentId: string): Child[] | undefined {
    for (const [resource, g] of this.groups) {
      if (g.parent.id !== parentId) continue;
      this.groups.delete(resource);
      return [...g.children.values()];
    }
    return undefined;
  }

  /** Forgets children and held alerts the appliance no longer reports active (reconciliation). */
  retainActive(activeIds: ReadonlySet<string>): void {
    for (const id of this.waiting.keys()) if (!activeIds.has(id)) this.waiting.delete(id);
    for (const g of this.groups.values())
      for (const id of g.children.keys()) if (!activeIds.has(id)) g.children.delete(id);
  }

  /** What `status` shows: each group's enclosure, parent and children, and the held alerts. */
  status(): { groups: { resource: string; parentAlertId: string; children: string[] }[]; waiting: string[] } {
    return {
      groups: [...this.groups].map(([resource, g]) => ({
        resource,
        parentAlertId: g.parent.id,
        children: [...g.children.keys()],
      })),
      waiting: [...this.waiting.keys()],
    };
  }

  /** The state for the next run, or undefined when empty. */
  toState(): StormState | undefined {
    if (this.groups.size === 0 && this.waiting.size === 0) return undefined;
    return {
      groups: [...this.groups].map(([resource, g]) => ({
        resource,
        parent: g.parent,
        openedAt: g.openedAt,
        children: [...g.children.values()],
      })),
      waiting: [...this.waiting.values()],
    };
  }
}

/** What a parent's incident lists of one child: enough to see the blast radius, bounded. */
function relatedOf(a: AlertRecord): RelatedAlert {
  return {
    id: a.id,
    uri: a.uri,
    severity: a.severity,
    description: boundText(a.description, 200),
    created: a.created,
    ...(a.resourceName ? { resourceName: a.resourceName } : {}),
  };
}
