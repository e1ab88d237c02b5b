import { endpointTemplate } from '../../src/activities/oneview/endpoint-template';

test('OneView paths become a bounded set of endpoint labels, whatever the appliance sends as a page URI', () => {
  expect(endpointTemplate('/rest/version')).toBe('/rest/version');
  expect(endpointTemplate('/rest/login-sessions')).toBe('/rest/login-sessions');
  expect(endpointTemplate('/rest/alerts?start=25&count=25&filter=x')).toBe('/rest/alerts');
  expect(endpointTemplate('/rest/alerts/5121')).toBe('/rest/alerts/{id}');
  expect(endpointTemplate('/rest/alerts/')).toBe('/rest/alerts');
  expect(endpointTemplate('/rest/certificates/ca?filter=certType:INTERNAL')).toBe('/rest/certificates/ca');
  expect(endpointTemplate('/rest/certificates/client/rabbitmq/keypair/default')).toBe(
    '/rest/certificates/client/rabbitmq/keypair/default',
  );
  // A hostile or odd nextPageUri must not mint a label per request.
  expect(endpointTemplate('/rest/alerts/1/2')).toBe('/rest/{other}');
  expect(endpointTemplate(`/rest/random-${Math.random()}`)).toBe('/rest/{other}');
});
