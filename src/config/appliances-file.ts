import {
  type ApplianceSeverityMap,
  applianceIdFromUrl,
  checkApplianceFields,
  normalizeSeverities,
  parseSeverityMap,
  toBaseUrl,
} from './appliance-fields';
import { readCaCertificates } from './ca-certificates';
import type { EnvReader } from './env-reader';
import { readScmbEntry } from './scmb-settings';
import { readJsonFile } from './json-file';
import { secretRef } from './secret-ref';
import type { ApplianceConfig, ScmbConfig } from './types';

/** Defaults the file's entries inherit from the environment. */
export interface ApplianceDefaults {
  severities: string[];
  pollIntervalSeconds: number;
  sslVerify: boolean;
  /** PAGERDUTY_ROUTING_KEY, for entries that name no routing key of their own. */
  routingKey?: string;
  severityMap?: ApplianceSeverityMap;
  scmb: ScmbConfig;
}

const KNOWN_FIELDS = new Set([
  'id',
  'host',
  'username',
  'passwordEnv',
  'passwordFile',
  'loginDomain',
  'severities',
  'pollIntervalSeconds',
  'caFile',
  'caOnly',
  'sslVerify',
  'routingKeyEnv',
  'routingKeyFile',
  'severityMap',
  'scmb',
  'scmbPort',
  'scmbPollIntervalSeconds',
]);

/**
 * Reads APPLIANCES_FILE: a JSON array (or `{ "appliances": [...] }`) of appliances. Secrets are never in the file
 * itself, only references: `passwordEnv`/`passwordFile`, `routingKeyEnv`/`routingKeyFile`. Problems name their path.
 */
export function readAppliancesFile(reader: EnvReader, path: string, defaults: ApplianceDefaults): ApplianceConfig[] {
  const parsed = readJsonFile(reader, path, 'APPLIANCES_FILE');
  if (parsed === undefined) return [];
  const list = Array.isArray(parsed) ? parsed : (parsed as { appliances?: unknown } | null)?.appliances;
  if (!Array.isArray(list) || list.length === 0) {
    reader.problems.push(
      `APPLIANCES_FILE (${path}) must hold a non-empty array of appliances (or {"appliances": [...]})`,
    );
    return [];
  }
  const appliances = list.map((entry, i) => readEntry(reader, entry, `appliances[${i}]`, defaults));
  const seen = new Set<string>();
  for (const [i, a] of appliances.entries()) {
    if (a.id && seen.has(a.id)) reader.problems.push(`appliances[${i}].id '${a.id}' is used twice`);
    seen.add(a.id);
  }
  return appliances;
}

function readEntry(reader: EnvReader, entry: unknown, at: string, defaults: ApplianceDefaults): ApplianceConfig {
  const problems = reader.problems;
  const e = (typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? entry : {}) as Record<
    string,
    unknown
  >;
  if (e !== entry) problems.push(`${at} must be an object`);
  for (const key of Object.keys(e)) if (!KNOWN_FIELDS.has(key)) problems.push(`${at}.${key} is not a known field`);
  const string = (key: string, required: boolean): string | undefined => {
    const v = e[key];
    if (v === undefined || v === null || v === '') {
      if (required) problems.push(`${at}.${key} is required`);
      return undefined;
    }
    if (typeof v !== 'string') {
      problems.push(`${at}.${key} must be a string`);
      return undefined;
    }
    return v.trim();
  };
  const host = string('host', true) ?? '';
  const baseUrl = toBaseUrl(host);
  const id = string('id', false) ?? (baseUrl ? applianceIdFromUrl(baseUrl) : '');
  let severities = defaults.severities;
  if (e.severities !== undefined) {
    if (!Array.isArray(e.severities) || e.severities.some((s) => typeof s !== 'string')) {
      problems.push(`${at}.severities must be an array of strings`);
    } else severities = normalizeSeverities(e.severities as string[]);
  }
  let pollIntervalSeconds = defaults.pollIntervalSeconds;
  if (e.pollIntervalSeconds !== undefined) {
    const n = e.pollIntervalSeconds;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 86_400) {
      problems.push(`${at}.pollIntervalSeconds must be a whole number from 1 to 86400`);
    } else pollIntervalSeconds = n;
  }
  let sslVerify = defaults.sslVerify;
  if (e.sslVerify !== undefined) {
    if (typeof e.sslVerify !== 'boolean') problems.push(`${at}.sslVerify must be true or false`);
    else sslVerify = e.sslVerify;
  }
  const refs = (what: 'password' | 'routingKey') =>
    [string(`${what}Env`, false), string(`${what}File`, false)] as const;
  const [passwordEnv, passwordFile] = refs('password');
  if (passwordEnv === undefined && passwordFile === undefined) problems.push(`${at} needs passwordEnv or passwordFile`);
  const password = secretRef(reader, at, 'password', passwordEnv, passwordFile) ?? '';
  const [keyEnv, keyFile] = refs('routingKey');
  if (keyEnv === undefined && keyFile === undefined && defaults.routingKey === undefined)
    problems.push(`${at} needs routingKeyEnv or routingKeyFile (or PAGERDUTY_ROUTING_KEY for all appliances)`);
  const routingKey =
    (keyEnv ?? keyFile) === undefined
      ? (defaults.routingKey ?? '')
      : (secretRef(reader, at, 'routingKey', keyEnv, keyFile) ?? '');
  const caFile = string('caFile', false);
  let caOnly = false;
  if (e.caOnly !== undefined) {
    if (typeof e.caOnly !== 'boolean') problems.push(`${at}.caOnly must be true or false`);
    else if (e.caOnly && caFile === undefined)
      problems.push(`${at}.caOnly needs caFile (the CA to trust instead of the default ones)`);
    else caOnly = e.caOnly;
  }
  const appliance: ApplianceConfig = {
    id,
    host,
    baseUrl: baseUrl ?? '',
    username: string('username', true) ?? '',
    password,
    loginDomain: string('loginDomain', false),
    severities,
    pollIntervalSeconds,
    sslVerify,
    caCertPem: caFile === undefined ? undefined : readCaCertificates(reader, caFile, `${at}.caFile`),
    caOnly,
    routingKey,
    severityMap: readSeverityMap(e.severityMap, `${at}.severityMap`, problems) ?? defaults.severityMap,
    scmb: readScmbEntry(e, at, defaults.scmb, problems),
  };
  checkApplianceFields(appliance, (field) => `${at}.${field}`, problems, 'username and passwordEnv or passwordFile');
  return appliance;
}

function readSeverityMap(raw: unknown, label: string, problems: string[]): ApplianceSeverityMap | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${label} must be an object such as {"Warning": "error"}`);
    return undefined;
  }
  return parseSeverityMap(raw as Record<string, unknown>, label, problems);
}
