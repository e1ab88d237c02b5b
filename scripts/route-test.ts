import { readFileSync } from 'node:fs';
import { replayRouting } from '../src/client/route-replay';
import { ConfigError } from '../src/config/config-error';
import { EnvReader } from '../src/config/env-reader';
import { readRoutesFile, routeRulesOf } from '../src/config/routes-file';
import { alertFactsOf, routeAlert } from '../src/routing/route-alert';
import { toAlertRecord } from '../src/shared/alert-record';
import { applianceIdArg, integerArg } from './lib/arguments';
import { durationMs } from './lib/duration';
import { runCommand } from './lib/command';
import { ExitCode, UsageError } from './lib/exit-codes';
import { type RouteReport, formatRouteReport, routeReport } from './lib/route-report';
import { formatTable } from './lib/table';

runCommand({
  name: 'route-test',
  summary: 'Shows where alerts would page under a rule file: route, severity, priority, storm grouping, maintenance.',
  details: [
    'Each ALERT_FILE holds a OneView alert as GET /rest/alerts/{id} returns it (or an array of them, or a collection ' +
      'with members). The rules are --rules or ROUTES_FILE; routing keys are shown by reference and never read, so ' +
      'this runs without the worker secrets. --expect checks the routes like `amtool config routes test ' +
      '--verify.receivers`: exit 1 when any alert pages elsewhere.',
    '--replay reads the alerts delivered since --since from Temporal (their recorded inputs; needs the same Temporal ' +
      'settings and payload key as the worker) and prints those the rules would route differently from how they paged.',
  ],
  positionals: '[ALERT_FILE...]',
  options: {
    rules: { type: 'string', value: 'FILE', description: 'rule file to test (default: ROUTES_FILE)' },
    appliance: {
      type: 'string',
      value: 'ID',
      description: 'the appliance the alerts come from (default: the configured one)',
    },
    expect: {
      type: 'string',
      value: 'ROUTES',
      description: "routes every alert must page through, e.g. facilities,servers ('drop' for dropped)",
    },
    replay: { type: 'boolean', description: 'run recorded alerts through the rules instead of ALERT_FILEs' },
    since: {
      type: 'string',
      value: 'DURATION',
      description: 'with --replay: how far back, e.g. 7d, 12h, 30m (default 7d)',
    },
    limit: { type: 'string', value: 'N', description: 'with --replay: at most N deliveries (default 10000)' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  examples: [
    'alert.json',
    '--rules new-routes.json --expect facilities,servers alert.json',
    '--replay --since 7d --rules new-routes.json',
  ],
  async run(values, { connect, temporalConfig, out, args }) {
    const reader = new EnvReader(process.env);
    const rulesFile = values.rules ?? reader.optional('ROUTES_FILE');
    const { routes, windows } =
      rulesFile === undefined ? { routes: [], windows: [] } : readRoutesFile(reader, rulesFile, { readKeys: false });
    const storm = {
      windowMs: reader.integer('STORM_WINDOW_SECONDS', 300, 0, 86_400) * 1000,
      groupWaitMs: reader.integer('STORM_GROUP_WAIT_SECONDS', 0, 0, 600) * 1000,
    };
    if (reader.problems.length > 0) throw new ConfigError(reader.problems);
    const rules = routeRulesOf(routes, (key) => key);
    const configured = configuredAppliances(reader);
    const appliance =
      values.appliance === undefined
        ? configured.length === 1
          ? configured[0]!.id
          : 'appliance'
        : applianceIdArg(values.appliance);
    const severities = configured.find((a) => a.id === appliance)?.severities ?? defaultSeverities(reader);

    if (values.replay) {
      if (args.length > 0) throw new UsageError('--replay reads recorded alerts; give no ALERT_FILE');
      const since = new Date(Date.now() - durationMs('since', values.since ?? '7d'));
      const limit = values.limit === undefined ? 10_000 : integerArg('limit', values.limit, 1, 1_000_000);
      const client = await connect();
      const replay = await replayRouting(
        client,
        {
          taskQueue: temporalConfig().taskQueue,
          since,
          limit,
          ...(values.appliance ? { applianceId: appliance } : {}),
        },
        rules,
      );
      if (values.json) out(`${JSON.stringify(replay, null, 2)}\n`);
      else {
        out(
          `${replay.read} alerts delivered since ${since.toISOString()} read${replay.unreadable ? ` (${replay.unreadable} unreadable)` : ''}; ` +
            `${replay.differences.length} would page differently${replay.differences.length ? ':' : '.'}\n`,
        );
        if (replay.differences.length > 0)
          out(
            formatTable({
              columns: ['APPLIANCE', 'ALERT', 'SEVERITY', 'RESOURCE', 'PAGED THROUGH', 'WOULD PAGE THROUGH'],
              rows: replay.differences.map((d) => [
                d.applianceId,
                d.alertId,
                d.severity,
                d.resource ?? '-',
                d.recorded.join(','),
                d.candidate.join(','),
              ]),
            }),
          );
      }
      return replay.unreadable > 0 ? ExitCode.failed : ExitCode.ok;
    }

    if (args.length === 0) throw new UsageError('give at least one ALERT_FILE (or --replay)');
    const reports: RouteReport[] = [];
    const refused: string[] = [];
    for (const file of args) {
      for (const [i, raw] of alertsIn(file).entries()) {
        const parsed = toAlertRecord(raw);
        if (!('record' in parsed)) {
          refused.push(`${file}[${i}]: ${parsed.problems.join('; ')}`);
          continue;
        }
        const facts = alertFactsOf(appliance, parsed.record);
        reports.push(routeReport(parsed.record, facts, routeAlert(rules, facts), routes, storm, severities, windows));
      }
    }
    out(values.json ? `${JSON.stringify({ reports, refused }, null, 2)}\n` : reports.map(formatRouteReport).join('\n'));
    for (const r of refused) process.stderr.write(`route-test: refused ${r}\n`);
    if (values.expect !== undefined) {
      const wanted = values.expect
        .split(',')
        .map((s) => s.trim())
        .join(',');
      const wrong = reports.filter(
        (r) => (r.dropped ? 'drop' : (r.pages ?? []).map((p) => p.route).join(',')) !== wanted,
      );
      for (const r of wrong) process.stderr.write(`route-test: alert ${r.alertId} does not page through ${wanted}\n`);
      if (wrong.length > 0) return ExitCode.failed;
    }
    return refused.length > 0 ? ExitCode.failed : ExitCode.ok;
  },
});

/** The alerts of a file: one alert resource, an array of them, or a collection's members. */
function alertsIn(file: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(
      `${file} cannot be read as JSON: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0]}`,
    );
  }
  if (Array.isArray(parsed)) return parsed;
  const members = (parsed as { members?: unknown } | null)?.members;
  return Array.isArray(members) ? members : [parsed];
}

/** The appliances the environment configures (ids and severities), as far as this script can read them. */
function configuredAppliances(reader: EnvReader): { id: string; severities?: string[] }[] {
  const single = reader.optional('ONEVIEW_APPLIANCE_ID');
  if (single) return [{ id: single }];
  const file = reader.optional('APPLIANCES_FILE');
  if (!file) return [];
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const list = Array.isArray(parsed) ? parsed : ((parsed as { appliances?: unknown[] }).appliances ?? []);
    return list.flatMap((a) => {
      const { id, severities } = (a ?? {}) as { id?: unknown; severities?: unknown };
      if (typeof id !== 'string') return [];
      return [{ id, ...(Array.isArray(severities) ? { severities: severities.map(String) } : {}) }];
    });
  } catch {
    // Unreadable here: --appliance says which, and the default severities apply.
    return [];
  }
}

/** ONEVIEW_SEVERITIES, the severities every appliance pages on unless its entry says otherwise. */
function defaultSeverities(reader: EnvReader): string[] {
  return (reader.optional('ONEVIEW_SEVERITIES') ?? 'Critical').split(',').map((s) => s.trim());
}
