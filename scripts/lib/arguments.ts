import { ALERT_ID_PATTERN } from '../../src/shared/alert-record';
import { APPLIANCE_ID_PATTERN } from '../../src/shared/workflow-ids';
import { UsageError } from './exit-codes';

/** An appliance id as configured (ONEVIEW_APPLIANCE_ID / the `id` of APPLIANCES_FILE), or a UsageError. */
export function applianceIdArg(value: string): string {
  if (!APPLIANCE_ID_PATTERN.test(value)) throw new UsageError(`--appliance must be an appliance id (1-63 lower-case letters, digits, dots or dashes), got '${value}'`);
  return value;
}

/** A OneView alert id (the last segment of /rest/alerts/{id}), or a UsageError. */
export function alertIdArg(value: string): string {
  const id = value.replace(/^\/rest\/alerts\//, '');
  if (!ALERT_ID_PATTERN.test(id)) throw new UsageError(`--alert must be a OneView alert id such as 1234 (the end of /rest/alerts/1234), got '${value}'`);
  return id;
}

/** A whole number from `min` to `max`, or a UsageError naming the option. */
export function integerArg(option: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${option} must be a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}
