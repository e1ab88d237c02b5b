import { connect, credentials, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { Agent, request } from 'undici';
import { controls } from '../../simulators/control-client';
import { startRabbitBroker, type RabbitBroker } from '../../simulators/rabbitmq/broker';
import { createInternalCa } from '../../simulators/rabbitmq/internal-ca';
import { startOneViewSimulator, type OneViewSimulator } from '../../simulators/oneview/server';
import { waitFor } from '../support/wait-for';

// The simulated appliance's message bus, on a real RabbitMQ configured as OneView's: what the bridge's consumer will
// meet. The broker takes about 10 s to start on 2 cores.
jest.setTimeout(120_000);

let broker: RabbitBroker;
let sim: OneViewSimulator;
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

beforeAll(async () => {
  broker = await startRabbitBroker();
  sim = await startOneViewSimulator({ scmb: { broker, certificateGenerationMs: 300 } });
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await broker?.stop();
});

/** One REST call to the simulated appliance, logged in, at an API version. */
async function rest(method: 'GET' | 'POST', path: string, body?: unknown, version = 6600) {
  const login = await request(`${sim.url}/rest/login-sessions`, {
    method: 'POST',
    dispatcher: insecure,
    headers: { 'content-type': 'application/json', 'x-api-version': String(version) },
    body: JSON.stringify({ userName: 'administrator', password: 'admin-password' }),
  });
  const { sessionID } = (await login.body.json()) as { sessionID: string };
  const res = await request(`${sim.url}${path}`, {
    method,
    dispatcher: insecure,
    headers: { auth: sessionID, 'x-api-version': String(version), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as unknown, location: res.headers.location };
}

/** A consumer as SCMB clients build it: EXTERNAL with the generated keypair, the broker checked against the CA. */
async function consume(keypair: { cert: string; key: string }, ca: string) {
  const connection: ChannelModel = await connect(broker.url, {
    credentials: credentials.external(),
    cert: keypair.cert,
    key: keypair.key,
    ca: [ca],
    servername: 'localhost',
  });
  const channel: Channel = await connection.createChannel();
  await channel.assertExchange('scmb', 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, 'scmb', 'scmb.alerts.#');
  const messages: { routingKey: string; body: Record<string, unknown> }[] = [];
  await channel.consume(queue, (m: ConsumeMessage | null) => {
    if (!m) return;
    messages.push({
      routingKey: m.fields.routingKey,
      body: JSON.parse(m.content.toString()) as Record<string, unknown>,
    });
    channel.ack(m);
  });
  let closed = false;
  connection.on('error', () => undefined);
  connection.on('close', () => (closed = true));
  return { connection, messages, closed: () => closed };
}

test('certificates as OneView issues them: 404 before generation, 202 then a conflict, the CA by API version', async () => {
  const keypairPath = '/rest/certificates/client/rabbitmq/keypair/default';
  const before = await rest('GET', keypairPath);
  expect(before).toMatchObject({ status: 404, body: { errorCode: 'RESOURCE_NOT_FOUND' } });

  const request = { commonName: 'default', type: 'RabbitMqClientCertV2' };
  const generated = await rest('POST', '/rest/certificates/client/rabbitmq', request);
  expect(generated.status).toBe(202);
  expect(generated.location).toMatch(/^\/rest\/tasks\//);
  const again = await rest('POST', '/rest/certificates/client/rabbitmq', request);
  expect(again).toMatchObject({ status: 409, body: { errorCode: 'RABBITMQ_CLIENTCERT_CONFLICT' } });

  const keypair = await waitFor(
    'the generated keypair',
    () => rest('GET', keypairPath),
    (r) => r.status === 200,
  );
  const pair = keypair.body as { base64SSLCertData: string; base64SSLKeyData: string };
  expect(pair.base64SSLCertData).toContain('BEGIN CERTIFICATE');
  expect(pair.base64SSLKeyData).toContain('PRIVATE KEY');

  // API 500 answers the CA as one PEM string; from 600 a collection, where only certType:INTERNAL is the bus's CA.
  expect((await rest('GET', '/rest/certificates/ca', undefined, 500)).body).toBe(broker.internalCa.ca.cert);
  const all = (await rest('GET', '/rest/certificates/ca')).body as { members: { certType: string }[] };
  expect(all.members.map((m) => m.certType)).toEqual(['EXTERNAL', 'INTERNAL']);
  const internal = (await rest('GET', '/rest/certificates/ca?filter=certType:INTERNAL')).body as {
    members: { certificateDetails: { base64Data: string } }[];
  };
  expect(internal.members.map((m) => m.certificateDetails.base64Data)).toEqual([broker.internalCa.ca.cert]);
  expect((await controls(sim.url, sim.url).scmb()).clientCertificateRequests).toBe(2);
});

test('every alert change reaches a consumer as scmb.alerts.<change>.<uri>, with the alert in the body', async () => {
  const pair = (await rest('GET', '/rest/certificates/client/rabbitmq/keypair/default')).body as {
    base64SSLCertData: string;
    base64SSLKeyData: string;
  };
  const consumer = await consume(
    { cert: pair.base64SSLCertData, key: pair.base64SSLKeyData },
    broker.internalCa.ca.cert,
  );
  const sims = controls(sim.url, sim.url);
  try {
    expect((await sims.scmb()).connections.map((c) => c.user)).toContain('default');
    const [alert] = await sims.addAlerts([{ severity: 'Critical' }]);
    const id = alert!.uri.slice(alert!.uri.lastIndexOf('/') + 1);
    await sims.clearAlert(id);
    await sims.deleteAlert(id);
    const got = await waitFor(
      'three messages',
      async () => consumer.messages,
      (m) => m.length >= 3,
    );
    expect(got.map((m) => m.routingKey)).toEqual(
      ['Created', 'Updated', 'Deleted'].map((c) => `scmb.alerts.${c}.${alert!.uri}`),
    );
    expect(got.map((m) => m.body.newState)).toEqual(['Active', 'Cleared', 'Cleared']);
    expect(got[0]!.body).toMatchObject({
      resourceUri: alert!.uri,
      changeType: 'Created',
      resource: { uri: alert!.uri },
    });

    // A dropped message is lost for the consumer (the poll must close that gap); the next one arrives.
    await sims.scmbControl({ dropMessages: 1 });
    const [lost, kept] = await sims.addAlerts([{ severity: 'Critical' }, { severity: 'Warning' }]);
    await waitFor(
      'the fourth message',
      async () => consumer.messages,
      (m) => m.length >= 4,
    );
    expect(consumer.messages.map((m) => m.body.resourceUri)).not.toContain(lost!.uri);
    expect(consumer.messages[3]!.body.resourceUri).toBe(kept!.uri);

    // The appliance drops its consumers: the connection closes under the client.
    await sims.scmbControl({ dropConnections: true });
    await waitFor('the consumer sees its connection closed', async () => consumer.closed(), Boolean);
  } finally {
    await consumer.connection.close().catch(() => undefined);
  }
});

test('the broker refuses a client certificate from another CA, and nothing listens while it is stopped', async () => {
  const stranger = await (await createInternalCa('not the appliance')).issue('default', 'client');
  await expect(
    connect(broker.url, {
      credentials: credentials.external(),
      cert: stranger.cert,
      key: stranger.key,
      ca: [broker.internalCa.ca.cert],
      servername: 'localhost',
    }),
  ).rejects.toThrow();

  const sims = controls(sim.url, sim.url);
  const pair = (await rest('GET', '/rest/certificates/client/rabbitmq/keypair/default')).body as {
    base64SSLCertData: string;
    base64SSLKeyData: string;
  };
  const keypair = { cert: pair.base64SSLCertData, key: pair.base64SSLKeyData };
  await sims.scmbControl({ stopBroker: true });
  try {
    await expect(consume(keypair, broker.internalCa.ca.cert)).rejects.toThrow();
    const before = (await sims.scmb()).undeliverable;
    await sims.addAlerts([{ severity: 'Critical' }]);
    expect((await sims.scmb()).undeliverable).toBe(before + 1);
  } finally {
    await sims.scmbControl({ startBroker: true });
  }
  const consumer = await consume(keypair, broker.internalCa.ca.cert);
  try {
    const [alert] = await sims.addAlerts([{ severity: 'Critical' }]);
    await waitFor(
      'a message after the restart',
      async () => consumer.messages,
      (m) => m.length >= 1,
    );
    expect(consumer.messages[0]!.body.resourceUri).toBe(alert!.uri);
  } finally {
    await consumer.connection.close();
  }
});
