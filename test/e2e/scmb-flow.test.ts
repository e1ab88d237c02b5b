import { connect, credentials } from 'amqplib';
import { request } from 'undici';
import { pollerStatus } from '../../src/client/poller-operations';
import { bridgeConfig, runBridge, uniqueAppliance } from '../support/bridge-harness';
import { useScmbHarness } from '../support/scmb-harness';
import { waitFor } from '../support/wait-for';

// The appliance's State-Change Message Bus on a real RabbitMQ (configured as OneView's: TLS, EXTERNAL, CN users), with
// polling stretched to 15 minutes: whatever pages here came by the bus.
jest.setTimeout(180_000);

const harness = useScmbHarness();

test('alerts page and clears resolve by the message bus while the poll waits 15 minutes; a dropped connection comes back and catches up', async () => {
  const h = harness();
  const { broker } = h;
  const ids = uniqueAppliance('scmb');
  const config = bridgeConfig(h, ids, {
    pollIntervalSeconds: 900,
    scmb: { port: broker.port, pollIntervalSeconds: 900 },
  });
  const bridge = await runBridge(h.client, config);
  try {
    // Connected, and the catch-up poll the connection asks for has run.
    const connected = await waitFor(
      'the consumer connected and caught up',
      () => pollerStatus(h.client, ids.applianceId),
      (s) =>
        s.scmb?.connected === true &&
        s.lastPollAt !== undefined &&
        Date.parse(s.lastPollAt) >= Date.parse(s.scmb.since),
      60_000,
    );
    // The certificate was generated once, on the bridge's own request (404 first, then one POST).
    expect((await h.sim.scmb()).clientCertificateRequests).toBe(1);
    // One consumer, logged in as the certificate's CN.
    expect((await h.sim.scmb()).connections.filter((c) => c.user === 'default')).toHaveLength(1);
    const pollsBefore = connected.counters.polls;

    const alerts = await h.sim.addAlerts(Array.from({ length: 10 }, () => ({ severity: 'Critical' })));
    const keys = alerts.map((a) => `oneview/${ids.applianceId}/alert/${a.uri.slice(a.uri.lastIndexOf('/') + 1)}`);
    await waitFor(
      'ten triggers',
      () => h.sim.incidents(),
      (i) => keys.every((k) => i.some((x) => x.dedup_key === k)),
      30_000,
    );
    const afterTriggers = await pollerStatus(h.client, ids.applianceId);
    // The bus, not a poll, brought them: no poll ran between connecting and paging.
    expect(afterTriggers.counters.polls).toBe(pollsBefore);
    expect(afterTriggers.scmb?.lastMessageAt).toBeDefined();

    for (const a of alerts) await h.sim.clearAlert(a.uri.slice(a.uri.lastIndexOf('/') + 1));
    const incidents = await waitFor(
      'ten resolves',
      () => h.sim.incidents(),
      (i) => keys.every((k) => i.find((x) => x.dedup_key === k)?.status === 'resolved'),
      30_000,
    );
    expect(incidents.filter((i) => keys.includes(i.dedup_key))).toHaveLength(10);

    // A change the bus loses never reaches the consumer; the catch-up poll of its next connection reads it.
    await h.sim.scmbControl({ dropMessages: 1 });
    const [missed] = await h.sim.addAlerts([{ severity: 'Critical' }]);
    expect((await h.sim.scmb()).dropped).toBe(1);
    await h.sim.scmbControl({ dropConnections: true });
    const missedKey = `oneview/${ids.applianceId}/alert/${missed!.uri.slice(missed!.uri.lastIndexOf('/') + 1)}`;
    await waitFor(
      'the missed alert paged',
      () => h.sim.incidents(),
      (i) => i.some((x) => x.dedup_key === missedKey),
      30_000,
    );
    const back = await waitFor(
      'the consumer back',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.scmb?.connected === true && Date.parse(s.scmb.since) > Date.parse(connected.scmb!.since),
      30_000,
    );
    expect(back.counters.polls).toBeGreaterThan(afterTriggers.counters.polls);
    expect((await h.sim.scmb()).connections.filter((c) => c.user === 'default')).toHaveLength(1);
    // Never twice: one trigger per alert, whichever path saw it first.
    const all = await h.sim.incidents();
    for (const k of [...keys, missedKey]) expect(all.find((i) => i.dedup_key === k)?.triggers).toBe(1);
  } finally {
    await bridge.stop();
    await h.sim.reset();
  }
});

test('hostile and broken messages on the bus are counted and dropped; the consumer goes on and the next alert pages', async () => {
  const h = harness();
  const { broker } = h;
  const ids = uniqueAppliance('scmbjunk');
  const bridge = await runBridge(
    h.client,
    bridgeConfig(h, ids, { pollIntervalSeconds: 900, scmb: { port: broker.port, pollIntervalSeconds: 900 } }),
  );
  // Whoever can publish on the appliance's bus (here: its own publisher user) sends what no appliance should.
  const publisher = await connect(broker.url, {
    credentials: credentials.external(),
    cert: broker.publisher.cert,
    key: broker.publisher.key,
    ca: [broker.internalCa.ca.cert],
    servername: 'localhost',
  });
  try {
    await waitFor(
      'connected',
      () => pollerStatus(h.client, ids.applianceId),
      (s) => s.scmb?.connected === true,
      60_000,
    );
    const before = await pollerStatus(h.client, ids.applianceId);
    const channel = await publisher.createChannel();
    const send = (key: string, body: string | Buffer) =>
      channel.publish('scmb', `scmb.alerts.${key}`, Buffer.isBuffer(body) ? body : Buffer.from(body));
    send('Created./rest/alerts/x', 'not json {');
    send('Created./rest/alerts/x', Buffer.alloc(2 * 1024 * 1024, 0x41));
    send('Created./rest/alerts/x', JSON.stringify({ changeType: 'Created', resource: 'no object' }));
    send(
      'Created./rest/alerts/..%2f..%2fetc',
      JSON.stringify({
        changeType: 'Created',
        newState: 'Exploded',
        resource: { uri: '/rest/alerts/../../etc', severity: 'Critical\u202e', alertState: 'Active' },
      }),
    );
    send('Deleted./rest/alerts/7', JSON.stringify({ changeType: 'Deleted', resource: { uri: '/rest/alerts/7' } }));
    await channel.close();
    // Then a real alert: it pages, once, after all of the above.
    const [alert] = await h.sim.addAlerts([{ severity: 'Critical', description: 'caf\u00e9 \ud83d\udd25 \u0000 end' }]);
    const key = `oneview/${ids.applianceId}/alert/${alert!.uri.slice(alert!.uri.lastIndexOf('/') + 1)}`;
    await waitFor(
      'the real alert paged',
      () => h.sim.incidents(),
      (i) => i.some((x) => x.dedup_key === key),
      30_000,
    );
    const after = await pollerStatus(h.client, ids.applianceId);
    expect(after.scmb?.connected).toBe(true);
    expect(after.counters.deliveriesStarted - before.counters.deliveriesStarted).toBe(1);
    expect((await h.sim.incidents()).filter((i) => i.dedup_key.startsWith(`oneview/${ids.applianceId}/`))).toHaveLength(
      1,
    );
    // Each refused message is counted where the on-call looks: the rejected-alerts counter and the bus's own.
    const metrics = await (await request(`http://127.0.0.1:${bridge.httpPort}/metrics`)).body.text();
    const sum = (name: string) =>
      metrics
        .split('\n')
        .filter((line) => line.startsWith(`${name}{`) && line.includes(`appliance="${ids.applianceId}"`))
        .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    expect(sum('oneview_alerts_rejected_total')).toBe(4);
    expect(sum('oneview_scmb_messages_total')).toBeGreaterThanOrEqual(6);
    // The real alert is counted as read from the bus, with the polled and pushed ones.
    expect(metrics).toMatch(
      new RegExp(`^oneview_alerts_processed_total\\{appliance="${ids.applianceId}",source="bus"\\} 1$`, 'm'),
    );
  } finally {
    await publisher.close().catch(() => undefined);
    await bridge.stop();
    await h.sim.reset();
  }
});
