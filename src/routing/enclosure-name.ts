import type { AlertRecord } from '../shared/types';

/**
 * The enclosure an alert's resource sits in, by name: the enclosure itself for an enclosure alert, else the part
 * before ", bay N" or ", interconnect N" of OneView's resource names ("Encl1, bay 3").
 */
export function enclosureNameOf(alert: Pick<AlertRecord, 'resourceName' | 'resourceCategory'>): string | undefined {
  const name = alert.resourceName?.trim();
  if (!name) return undefined;
  if (alert.resourceCategory === 'enclosures') return name;
  return /^(.+?),\s*(?:bay|interconnect)\s+\d+$/i.exec(name)?.[1];
}
