import { bridgeConfig, runBridge, uniqueAppliance, useHarness } from '../support/bridge-harness';
import { waitFor } from '../support/wait-for';
import { WEBHOOK_TOKEN, spawnWeb } from '../support/web-process';

const harness = useHarness();
const BODIES = 5000;

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

test(`${BODIES} random and malformed webhook bodies: no 5xx, and every valid alert among them delivered once`, async () => {
  const h = harness();
  const ids = uniqueAppliance('fuzz');
  const config = bridgeConfig(h, ids, { severities: ['Critical'] });
  const bridge = await runBridge(h.client, { ...config, pagerDuty: { ...config.pagerDuty, ratePerMinute: 0 } });
  const web = await spawnWeb(ids.taskQueue, { WEB_RATE_LIMIT_PER_MINUTE: '100000', WEB_RATE_LIMIT_BURST: '100000' });
  const random = prng(20261124);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const junk = (): unknown => pick([null, 0, -1, 1e308, '', 'x'.repeat(Math.floor(random() * 300)), '🔥\u0301\u0000', [], {}, true, { uri: 5 }, [null]]);
  const validIds = new Set<string>();
  try {
    const statuses = new Map<number, number>();
    const started = Date.now();
    let accepted = 0;
    for (let i = 0; i < BODIES; i++) {
      const now = new Date().toISOString();
      const alert: Record<string, unknown> = { uri: `/rest/alerts/f${i}`, severity: 'Critical', alertState: 'Active', description: `fuzz ${i}`, created: now, modified: now };
      // About one body in ten is a valid alert; the rest are junk of five kinds.
      const roll = random();
      const kind = roll < 0.05 ? 0 : roll < 0.1 ? 5 : 1 + Math.floor(random() * 4);
      let raw: string;
      let valid = false;
      let sent = alert;
      if (kind === 0) {
        raw = JSON.stringify(alert);
        valid = true;
      } else if (kind === 1) {
        // A valid alert with one field replaced by junk.
        sent = { ...alert, [pick(['uri', 'severity', 'alertState', 'created', 'modified', 'description', 'associatedResource'])]: junk() };
        raw = JSON.stringify(sent);
      } else if (kind === 2) {
        const text = JSON.stringify(alert);
        raw = text.slice(0, Math.floor(random() * text.length));
      } else if (kind === 3) {
        raw = JSON.stringify(pick([junk(), [junk(), alert], { resource: junk(), changeType: 'Updated' }, { changeType: 'Deleted', resource: alert }]));
      } else if (kind === 4) {
        raw = Array.from({ length: Math.floor(random() * 40) }, () => String.fromCharCode(Math.floor(random() * 0x2fff))).join('');
      } else {
        raw = JSON.stringify({ resource: alert, changeType: 'Created', newState: 'Active', resourceUri: alert.uri });
        valid = true;
      }
      const res = await web.call('POST', `/oneview-webhook?appliance=${ids.applianceId}`, {
        raw,
        headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 202) {
        // Junk in an optional field can leave a valid alert; one still Active and Critical must page, once.
        accepted++;
        if (sent.severity === 'Critical' && sent.alertState === 'Active') validIds.add(`f${i}`);
      } else if (valid) {
        throw new Error(`a valid body was refused (${res.status}): ${raw}`);
      }
      expect(res.status).toBeLessThan(500);
    }
    process.stdout.write(`fuzz: ${JSON.stringify(Object.fromEntries(statuses))}, ${accepted} accepted, ${validIds.size} of them paging, in ${Date.now() - started} ms\n`);
    expect(validIds.size).toBeGreaterThan(BODIES / 20);
    const expected = [...validIds].map((id) => `oneview/${ids.applianceId}/alert/${id}`).sort();
    const incidents = await waitFor('every accepted alert delivered', () => h.sim.incidents(), (i) => i.length >= expected.length, 240_000);
    expect(incidents.map((i) => i.dedup_key).sort()).toEqual(expected);
    expect(incidents.every((i) => i.triggers === 1 && i.opened === 1)).toBe(true);
  } finally {
    await web.stop();
    await bridge.stop();
    await h.sim.reset();
  }
}, 420_000);
