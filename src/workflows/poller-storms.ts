import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { isBelowEnclosure, isEnclosureAlert, isInterconnectAlert } from '../routing/resource-level';
import type { AlertRecord, ReadEnclosuresInput, ReadEnclosuresResult } from '../shared/types';
import { alertWorkflowId } from '../shared/workflow-ids';
import { failureMessage } from './failure-details';
import type { StartDecision } from './handled-alerts';
import { relatedAlertsSignal } from './messages';
import type { PollerState } from './poller-state';

/** An alert to page, and how its delivery starts. */
export type Start = [AlertRecord, Exclude<StartDecision, 'skip'>];

/** How a delivery start went: paging now, started quiet (a window, or it ran before), or not at all. */
export type StartOutcome = 'paging' | 'quiet' | false;

/** What storm control needs from its poller. */
export interface StormControlDeps {
  state: PollerState;
  startDelivery(alert: AlertRecord, decision: Exclude<StartDecision, 'skip'>): Promise<StartOutcome>;
  readEnclosures(input: ReadEnclosuresInput): Promise<ReadEnclosuresResult>;
}

/**
 * A poller's topology storm control (its state is `PollerState.storm`): which alerts page on their own, which join
 * the incident of what they sit below, which wait for a parent, and releasing groups whose parent is over.
 */
export function createStormControl({ state, startDelivery, readEnclosures }: StormControlDeps) {
  const appliance = () => state.settings.applianceId;
  // The group-wait due time the poller's timer ran to: released whatever the clock says (a query replay can leave the
  // workflow clock behind, and a clock decision then differs on the next replay).
  let waitedUntil = 0;

  /**
   * Storm control: pages enclosure alerts first and opens their groups; then interconnect alerts join their
   * enclosure's group or, paging, open groups of their own; then the alerts of blades join the group of what they sit
   * below (their enclosure first, then the interconnects their ports reach), wait the group wait (unless `releasing`
   * them from it) or page on their own. Returns those that page on their own. Without a topology answer every alert
   * pages: fail open.
   */
  async function groupStorms(starts: Start[], releasing: boolean): Promise<Start[]> {
    const storm = state.settings.storm;
    if (!storm) return starts;
    const own: Start[] = [];
    for (const start of starts) {
      if (!isEnclosureAlert(start[0])) own.push(start);
      // Only a parent that pages now gathers its children: one held by a window, or whose delivery already ran, does not.
      else if ((await startDelivery(...start)) === 'paging') state.storm.open(start[0], Date.now());
    }
    const below = own.filter(([a]) => isBelowEnclosure(a));
    const interconnects = below.filter(([a]) => isInterconnectAlert(a));
    const idle = state.storm.size === 0 && interconnects.length === 0 && (storm.groupWaitMs === 0 || releasing);
    if (below.length === 0 || idle) return own;
    const parents = await topologyOf(below.map(([a]) => a.resourceUri!));
    const now = Date.now();
    const joined = new Set<string>();
    /** Joins the first group among what the alert sits below; true when it did. */
    const tryJoin = ([a, decision]: Start): boolean => {
      for (const resource of parents[a.resourceUri ?? ''] ?? []) {
        const parentId = state.storm.join(resource, a, storm.windowMs, decision === 'again');
        if (parentId === undefined) continue;
        state.handled.recordActive(a);
        state.counters.alertsGrouped++;
        state.decide(a.id, 'grouped', parentId);
        joined.add(resource);
        return true;
      }
      return false;
    };
    // Interconnects before the servers below them, so a failing interconnect's group is open when its servers come.
    for (const start of interconnects)
      if (!tryJoin(start) && (await startDelivery(...start)) === 'paging') state.storm.open(start[0], Date.now());
    const alone: Start[] = [];
    for (const start of own) {
      const [a] = start;
      if (isInterconnectAlert(a)) continue;
      const above = parents[a.resourceUri ?? ''];
      if (!isBelowEnclosure(a) || !above?.length) alone.push(start);
      else if (tryJoin(start)) continue;
      else if (!releasing && storm.groupWaitMs > 0 && state.storm.wait(a, above[0]!, now + storm.groupWaitMs))
        state.decide(a.id, 'waiting', above[0]!);
      else alone.push(start);
    }
    await Promise.all([...joined].map((resource) => tellParent(resource)));
    return alone;
  }

  /** What each of these resources sits below, from the worker's cached topology; nothing when it cannot be read. */
  async function topologyOf(resourceUris: string[]): Promise<Record<string, string[]>> {
    const session = state.session;
    if (!session) return {};
    try {
      return (await readEnclosures({ applianceId: appliance(), session, resourceUris })).parents;
    } catch (err) {
      log.warn('could not read the enclosure topology; alerts page on their own', {
        appliance: appliance(),
        error: failureMessage(err),
      });
      return {};
    }
  }

  /** Sends a storm's parent delivery the full list of alerts that joined its incident. */
  async function tellParent(resource: string): Promise<void> {
    const parentId = state.storm.parentOf(resource);
    if (parentId === undefined) return;
    const related = state.storm.childrenOf(resource);
    log.info('alerts joined the incident of what they sit below', {
      appliance: appliance(),
      alertId: parentId,
      joined: related.total,
    });
    try {
      await getExternalWorkflowHandle(alertWorkflowId(appliance(), parentId)).signal(relatedAlertsSignal, related);
    } catch (err) {
      // Its delivery has ended (refused for good, resolved by hand): nobody sees the list, so the children page.
      log.warn('the enclosure incident has ended; the alerts that joined it page on their own', {
        appliance: appliance(),
        alertId: parentId,
        error: failureMessage(err),
      });
      await releaseChildren(parentId, state.storm.dissolve(parentId) ?? []);
    }
  }

  /** Pages on their own the children of a storm group whose parent is over (they are still active). */
  async function releaseChildren(parentId: string, children: { alert: AlertRecord; again?: boolean }[]): Promise<void> {
    if (children.length === 0) return;
    log.info('enclosure alert over; alerts below it page on their own', {
      appliance: appliance(),
      alertId: parentId,
      alertIds: children.map((c) => c.alert.id),
    });
    // A child that had paged before it joined (re-activated) starts its delivery again, as it would have on its own.
    await Promise.all(children.map((c) => startDelivery(c.alert, c.again ? 'again' : 'first')));
  }

  /** Alerts held for their enclosure's alert whose group wait is over: they join a group that formed, or page. */
  async function releaseWaiting(): Promise<void> {
    const due = state.storm.takeDue(Math.max(Date.now(), waitedUntil));
    waitedUntil = 0;
    if (due.length === 0) return;
    const starts: Start[] = due.flatMap(({ alert }) => {
      const decision = state.handled.decide(alert);
      return decision === 'skip' ? [] : [[alert, decision] as Start];
    });
    const own = await groupStorms(starts, true);
    await Promise.all(own.map(([a, decision]) => startDelivery(a, decision)));
  }

  return {
    groupStorms,
    releaseChildren,
    releaseWaiting,
    /** Notes that the poller's timer ran to the first group wait due (its release follows the poll it asks for). */
    waitElapsed(due: number): void {
      waitedUntil = due;
    },
  };
}
