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
  const text = reader.readFileOrProblem(path, 'APPLIANCES_FILE');
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    reader.problems.push(`APPLIANCES_FILE (${path}) is not valid JSON${jsonErrorPlace(text, err)}`);
    return [];
  }
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
  const password = secretRef(reader, at, 'password', string('passwordEnv', false), string('passwordFile', false)) ?? '';
  const routingKey =
    secretRef(
      reader,
      at,
      'routingKey',
      string('routingKeyEnv', false),
      string('routingKeyFile', false),
      defaults.routingKey,
    ) ?? '';
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

/** Resolves a secret given by environment variable name or by file path (exactly one), or a default. */
function secretRef(
  reader: EnvReader,
  at: string,
  what: 'password' | 'routingKey',
  envName: string | undefined,
  file: string | undefined,
  fallback?: string,
): string | undefined {
  if (envName !== undefined && file !== undefined) {
    reader.problems.push(`${at}: set only one of ${what}Env and ${what}File`);
    return undefined;
  }
  // Neither the variable's name nor the path is repeated: a secret written in their place would be printed.
  if (envName !== undefined) {
    const v = reader.optional(envName);
    if (v === undefined) reader.problems.push(`${at}.${what}Env names an environment variable that is not set`);
    return v;
  }
  if (file !== undefined) {
    const v = reader.readFileOrProblem(file, `${at}.${what}File`, true)?.trim();
    if (v === '') reader.problems.push(`${at}.${what}File names an empty file`);
    return v;
  }
  if (fallback === undefined) {
    reader.problems.push(
      what === 'password'
        ? `${at} needs passwordEnv or passwordFile`
        : `${at} needs routingKeyEnv or routingKeyFile (or PAGERDUTY_ROUTING_KEY for all appliances)`,
    );
  }
  return fallback;
}

/**
 * Where JSON.parse stopped, as line and column; never V8's message, which quotes the text around the error, and the
 * file may hold a secret written where a reference belongs.
 */
function jsonErrorPlace(text: string, err: unknown): string {
  const position = /at position (\d+)/.exec((err as Error).message)?.[1];
  if (position === undefined) return '';
  const before = text.slice(0, Number(position)).split('\n');
  return ` (line ${before.length}, column ${(before.at(-1) ?? '').length + 1})`;
}
