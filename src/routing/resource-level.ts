import type { AlertRecord } from '../shared/types';

/** Whether an alert is about an enclosure itself: the level whose failure explains the alerts below it. */
export function isEnclosureAlert(alert: AlertRecord): boolean {
  return alert.resourceCategory === 'enclosures' && alert.resourceUri !== undefined;
}

/** Whether an alert is about an interconnect: below its enclosure, and above the servers whose ports reach it. */
export function isInterconnectAlert(alert: AlertRecord): boolean {
  return alert.resourceCategory === 'interconnects' && alert.resourceUri !== undefined;
}

/** Whether an alert is about a resource that sits in an enclosure (a blade, an interconnect). */
export function isBelowEnclosure(alert: AlertRecord): boolean {
  return (
    (alert.resourceCategory === 'server-hardware' || alert.resourceCategory === 'interconnects') &&
    alert.resourceUri !== undefined
  );
}
