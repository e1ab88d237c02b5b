/**
 * The simplest alternative to the bridge, as the baseline of every benchmark: a loop that polls each OneView appliance
 * and posts what changed to PagerDuty, with the project's own clients (OneViewClient, PagerDutySender, buildEvent,
 * alertQueryPath, applyWatermark) and nothing else — no Temporal, no durability: its watermark and sessions live in
 * memory, a crash forgets them, and a 429 or 5xx is retried in a plain in-memory loop (Retry-After, else 2 s).
 *
 * Runs as its own process (so its CPU and memory are measured like the worker's), configured by
 * the JSON file BENCH_FORWARDER_CONFIG_FILE names; the bench driver asks it to poll at once over the IPC channel.
 */
import { readFileSync } from 'node:fs';
import { alertQueryPath } from '../src/activities/oneview/alert-query';
import { OneViewClient } from '../src/activities/oneview/oneview-client';
import { applyWatermark } from '../src/activities/oneview/watermark';
import { buildEvent } from '../src/activities/pagerduty/build-event';
import { PagerDutySender } from '../src/activities/pagerduty/pagerduty-sender';
import { toAlertRecord } from '../src/shared/alert-record';
import { isOpenState, severityMatches } from '../src/shared/severity';
import type { AlertRecord, AlertWatermark } from '../src/shared/types';

/** One appliance the forwarder polls. */
export interface ForwarderAppliance {
  id: string;
  baseUrl: string;
  caFile?: string;
  username: string;
  password: string;
  routingKey: string;
}

/** The forwarder's configuration. */
export interface ForwarderConfig {
  appliances: ForwarderAppliance[];
  eventsUrl: string;
  severities: string[];
  /** Poll every appliance this often; 0 polls only when asked. */
  pollIntervalMs: number;
}

/** Messages the driver sends. */
export type ForwarderRequest = { type: 'poll'; seq: number; applianceIds?: string[] } | { type: 'stats'; seq: number };

/** What the forwarder did so far. */
export interface ForwarderStats {
  polls: number;
  sent: number;
  rateLimited: number;
  otherRetries: number;
  rejected: number;
}

interface ApplianceState {
  config: ForwarderAppliance;
  client: OneViewClient;
  session?: { token: string; apiVersion: number };
  watermark?: AlertWatermark;
  /** The poll in flight; a new request chains after it, as a loop would. */
  chain: Promise<void>;
}

const RETRY_DEADLINE_MS = 15 * 60_000;

/** Polls appliances and forwards their alert changes, in memory. */
export class DirectForwarder {
  readonly stats: ForwarderStats = { polls: 0, sent: 0, rateLimited: 0, otherRetries: 0, rejected: 0 };
  private readonly appliances = new Map<string, ApplianceState>();
  private readonly sender: PagerDutySender;

  constructor(private readonly config: ForwarderConfig) {
    this.sender = new PagerDutySender(config.eventsUrl);
    for (const a of config.appliances) {
      const caCertPem = a.caFile ? readFileSync(a.caFile, 'utf8') : undefined;
      this.appliances.set(a.id, {
        config: a,
        client: new OneViewClient({ baseUrl: a.baseUrl, sslVerify: true, caCertPem }),
        chain: Promise.resolve(),
      });
    }
  }

  /** Polls the given appliances (all by default) now, after any poll of theirs already running. */
  poll(ids?: string[]): Promise<void> {
    const targets = ids
      ? ids.map((id) => this.appliances.get(id)).filter((a): a is ApplianceState => a !== undefined)
      : [...this.appliances.values()];
    return Promise.all(
      targets.map((a) => {
        a.chain = a.chain
          .then(() => this.pollOne(a))
          .catch((err: unknown) => {
            process.stderr.write(`poll of ${a.config.id} failed: ${String(err)}\n`);
          });
        return a.chain;
      }),
    ).then(() => undefined);
  }

  /** Polls every appliance on its own timer, as a cron-like loop would. */
  startLoop(): void {
    if (this.config.pollIntervalMs <= 0) return;
    const every = this.config.pollIntervalMs;
    [...this.appliances.values()].forEach((a, i) => {
      const tick = () => {
        void this.poll([a.config.id]).finally(() => setTimeout(tick, every).unref());
      };
      // Spread the first polls over one interval, as pollers started one after another are.
      setTimeout(tick, (i * every) / this.appliances.size).unref();
    });
  }

  private async pollOne(a: ApplianceState): Promise<void> {
    if (!a.session) a.session = await this.login(a);
    const path = alertQueryPath(a.watermark, this.config.severities);
    let members: unknown[];
    try {
      members = await this.fetchAll(a, path);
    } catch (err) {
      if (!/unauthorized/.test(String(err))) throw err;
      a.session = await this.login(a);
      members = await this.fetchAll(a, path);
    }
    this.stats.polls++;
    const records: AlertRecord[] = [];
    for (const m of members) {
      const mapped = toAlertRecord(m);
      if ('record' in mapped) records.push(mapped.record);
    }
    const { fresh, watermark } = applyWatermark(records, a.watermark);
    a.watermark = watermark;
    for (const alert of fresh) {
      if (!severityMatches(alert.severity, this.config.severities)) continue;
      await this.send(a, alert, isOpenState(alert.alertState) ? 'trigger' : 'resolve');
    }
  }

  private async login(a: ApplianceState): Promise<{ token: string; apiVersion: number }> {
    const apiVersion = await a.client.negotiateVersion();
    const token = await a.client.login({ userName: a.config.username, password: a.config.password }, apiVersion);
    return { token, apiVersion };
  }

  private async fetchAll(a: ApplianceState, first: string): Promise<unknown[]> {
    const members: unknown[] = [];
    const seen = new Set<string>();
    let next: string | null | undefined = first;
    while (next && !seen.has(next)) {
      seen.add(next);
      const page = await a.client.getPage(next, a.session!.token, a.session!.apiVersion);
      members.push(...page.members);
      if (page.uri) seen.add(page.uri);
      next = page.members.length === 0 ? null : page.nextPageUri;
    }
    return members;
  }

  private async send(a: ApplianceState, alert: AlertRecord, action: 'trigger' | 'resolve'): Promise<void> {
    const event = buildEvent({
      action,
      applianceId: a.config.id,
      applianceHost: a.config.baseUrl,
      applianceUrl: a.config.baseUrl,
      routingKey: a.config.routingKey,
      alert,
    });
    const deadline = Date.now() + RETRY_DEADLINE_MS;
    for (;;) {
      const outcome = await this.sender.send(event);
      if (outcome.kind === 'accepted') {
        this.stats.sent++;
        return;
      }
      if (outcome.kind === 'rejected') {
        this.stats.rejected++;
        return;
      }
      if (Date.now() > deadline) return;
      if (outcome.kind === 'rate_limited') this.stats.rateLimited++;
      else this.stats.otherRetries++;
      const wait = outcome.kind === 'rate_limited' ? (outcome.retryAfterMs ?? 2000) : 1000;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

function main(): void {
  // A file, not the variable itself: 1,000 appliances are more than one environment string may hold (E2BIG).
  const config = JSON.parse(readFileSync(process.env.BENCH_FORWARDER_CONFIG_FILE ?? '', 'utf8')) as ForwarderConfig;
  const forwarder = new DirectForwarder(config);
  forwarder.startLoop();
  process.on('message', (msg: ForwarderRequest) => {
    if (msg.type === 'poll')
      void forwarder.poll(msg.applianceIds).then(() => process.send?.({ seq: msg.seq, stats: forwarder.stats }));
    else process.send?.({ seq: msg.seq, stats: forwarder.stats });
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.stdout.write(`${JSON.stringify({ msg: 'forwarder ready', appliances: config.appliances.length })}\n`);
}

if (require.main === module) main();
