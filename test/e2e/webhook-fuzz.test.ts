import { pollerStatus } from '../../src/client/poller-operations';
import { bridgeConfig, runBridge, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { pollOnceMore } from '../support/poll-once-more';
import { waitFor } from '../support/wait-for';
import { WEBHOOK_TOKEN, spawnWeb } from '../support/web-process';

const harness = useHarness();
const BODIES = 5000;
/** Alerts that are really Active on the appliance: the targets of forged clears. */
const REAL_ALERTS = 20;

/** A small seeded generator, so a failing body can be reproduced from the seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test(`${BODIES} random, malformed and hostile webhook bodies: no 5xx, the worker alive throughout, every accepted alert delivered once, no forged clear obeyed`, async () => {
  const h = harness();
  const ids = uniqueAppliance('fuzz');
  const config = bridgeConfig(h, ids, { severities: ['Critical'] });
  const real = (await h.sim.addAlerts(Array.from({ length: REAL_ALERTS }, () => ({ severity: 'Critical' })))).map((a) =>
    a.uri.slice(a.uri.lastIndexOf('/') + 1),
  );
  const bridge = await runBridge(h.client, { ...config, pagerDuty: { ...config.pagerDuty, ratePerMinute: 0 } });
  const web = await spawnWeb(ids.taskQueue, { WEB_RATE_LIMIT_PER_MINUTE: '100000', WEB_RATE_LIMIT_BURST: '100000' });
  const random = prng(20261129);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const junk = (): unknown =>
    pick([
      null,
      0,
      -1,
      1e308,
      '',
      'x'.repeat(Math.floor(random() * 300)),
      '🔥\u0301\u0000',
      [],
      {},
      true,
      { uri: 5 },
      [null],
    ]);
  // The classes that once stopped a worker, wedged or terminated a poller, resolved a live incident, or were accepted
  // but undeliverable: each must be a 400 now.
  const hostile = (): Record<string, unknown> =>
    pick([
      { uri: `/rest/alerts/x${pick(['\ud800', '\udfff', '\udbff\u0041'])}` },
      { uri: `/rest/alerts/${'9'.repeat(65 + Math.floor(random() * 1000))}` },
      { uri: `/rest/alerts/a${pick(['\u0000', '\n', '\r', '\u001b', '\u007f', '\u2028', ' ', '/', '?x=1', '#f'])}b` },
      { associatedResource: { resourceCategory: 'c'.repeat(65 + Math.floor(random() * 3000)) } },
      {
        associatedResource: {
          resourceUri: pick(['https://evil.example/rest/x', 'javascript:alert(1)', '/rest/x?a=b', '//evil/rest']),
        },
      },
      {
        created: pick([
          'yesterday',
          '2026-11-29',
          '2026-11-29T12:00:00',
          'Sun, 29 Nov 2026 12:00:00 GMT',
          '2026-13-45T99:00:00Z',
          '🔥',
        ]),
      },
      { modified: pick(['1732881600', '2026-11-29 12:00:00Z', '']) },
      { alertState: pick(['Resolved', 'cleared ', 'ACTIVE\u0000', 'Pending', 'Closed', '']) },
      { severity: pick(['Catastrophic', 'critical\n', 'Info']) },
    ]);
  const validIds = new Set<string>();
  const statuses = new Map<number, number>();
  const started = Date.now();
  let accepted = 0;
  let forgedClears = 0;
  try {
    await waitFor(
      'the real alerts paged',
      () => h.sim.incidents(),
      (i) => i.length === REAL_ALERTS,
      60_000,
    );
    for (let i = 0; i < BODIES; i++) {
      const now = new Date().toISOString();
      const alert: Record<string, unknown> = {
        uri: `/rest/alerts/f${i}`,
        severity: 'Critical',
        alertState: 'Active',
        description: `fuzz ${i}`,
        created: now,
        modified: now,
      };
      // About one body in ten is a valid alert, one in ten a forged clear of a real alert, two in ten hostile; the rest
      // junk of four kinds.
      const roll = random();
      const kind = roll < 0.05 ? 0 : roll < 0.1 ? 5 : roll < 0.2 ? 6 : roll < 0.4 ? 7 : 1 + Math.floor(random() * 4);
      let raw: string;
      let valid = false;
      let sent = alert;
      if (kind === 0) {
        raw = JSON.stringify(alert);
        valid = true;
      } else if (kind === 1) {
        // A valid alert with one field replaced by junk.
        sent = {
          ...alert,
          [pick(['uri', 'severity', 'alertState', 'created', 'modified', 'description', 'associatedResource'])]: junk(),
        };
        raw = JSON.stringify(sent);
      } else if (kind === 2) {
        const text = JSON.stringify(alert);
        raw = text.slice(0, Math.floor(random() * text.length));
      } else if (kind === 3) {
        raw = JSON.stringify(
          pick([
            junk(),
            [junk(), alert],
            { resource: junk(), changeType: 'Updated' },
            { changeType: 'Deleted', resource: alert },
          ]),
        );
      } else if (kind === 4) {
        raw = Array.from({ length: Math.floor(random() * 40) }, () =>
          String.fromCharCode(Math.floor(random() * 0x2fff)),
        ).join('');
      } else if (kind === 5) {
        raw = JSON.stringify({ resource: alert, changeType: 'Created', newState: 'Active', resourceUri: alert.uri });
        valid = true;
      } else if (kind === 6) {
        // A forged clear of an alert OneView still reports Active: accepted as a hint, never obeyed.
        raw = JSON.stringify({ ...alert, uri: `/rest/alerts/${pick(real)}`, alertState: 'Cleared' });
        forgedClears++;
        valid = true;
      } else {
        sent = { ...alert, ...hostile() };
        raw = JSON.stringify(sent);
      }
      const res = await web.call('POST', `/oneview-webhook?appliance=${ids.applianceId}`, {
        raw,
        headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 202) {
        accepted++;
        // Junk in an optional field can leave a valid alert; one still Active and Critical must page, once.
        if (kind !== 6 && sent.severity === 'Critical' && sent.alertState === 'Active') validIds.add(`f${i}`);
        if (kind === 7) throw new Error(`a hostile body was accepted: ${raw.slice(0, 300)}`);
      } else if (valid) {
        throw new Error(`a valid body was refused (${res.status}): ${raw.slice(0, 300)}`);
      }
      expect(res.status).toBeLessThan(500);
      if (i % 500 === 0) expect(bridge.state()).toBe('RUNNING');
    }
    process.stdout.write(
      `fuzz: ${JSON.stringify(Object.fromEntries(statuses))}, ${accepted} accepted, ${validIds.size} of them paging, ${forgedClears} forged clears, in ${Date.now() - started} ms\n`,
    );
    expect(validIds.size).toBeGreaterThan(BODIES / 20);
    expect(forgedClears).toBeGreaterThan(BODIES / 20);
    expect(statuses.get(400)).toBeGreaterThan(BODIES / 5);
    const expected = [...validIds].map((id) => `oneview/${ids.applianceId}/alert/${id}`).sort();
    const pushed = <T extends { dedup_key: string }>(list: T[]) =>
      list.filter((i) => /\/alert\/f\d+$/.test(i.dedup_key));
    const incidents = await waitFor(
      'every accepted alert delivered',
      () => h.sim.incidents(),
      (i) => pushed(i).length >= expected.length,
      240_000,
    );
    expect(
      pushed(incidents)
        .map((i) => i.dedup_key)
        .sort(),
    ).toEqual(expected);
    expect(pushed(incidents).every((i) => i.triggers === 1 && i.opened === 1)).toBe(true);
    // Every forged clear was checked with the appliance and none resolved a real, still active alert.
    await pollOnceMore(h.client, ids.applianceId);
    const status = await waitFor(
      'the forged clears checked',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.counters.clearsUnconfirmed > 0,
    );
    expect(status.lastPollResult).toBe('ok');
    const realIncidents = (await h.sim.incidents()).filter((i) =>
      real.some((id) => i.dedup_key.endsWith(`/alert/${id}`)),
    );
    expect(realIncidents).toHaveLength(REAL_ALERTS);
    expect(realIncidents.every((i) => i.status === 'triggered' && i.resolves === 0)).toBe(true);
    expect(bridge.state()).toBe('RUNNING');
  } finally {
    await web.stop();
    await bridge.stop();
    await h.sim.reset();
  }
}, 420_000);
