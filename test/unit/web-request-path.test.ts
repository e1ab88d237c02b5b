import { requestPath } from '../../src/web/request-path';
import { connectionReply } from '../../src/web/connection-reply';

describe('request paths', () => {
  test('plain paths keep their query', () => {
    const target = requestPath('/codec/decode?preserveStorageRefs=true');
    expect(target?.path).toBe('/codec/decode');
    expect(target?.query.get('preserveStorageRefs')).toBe('true');
  });

  test.each([
    '/codec/../force-poll',
    '/./health',
    '//force-poll',
    '/force-poll/',
    '/codec/..%2fforce-poll',
    '/%2e%2e/x',
    '/a\\b',
    'http://host/health',
    '*',
    '',
    '/HEALTH',
  ])('%s can name no route', (target) => expect(requestPath(target)).toBeUndefined());
});

describe('the test-connection answer', () => {
  const ok = { applianceId: 'a', ok: true, steps: [] };
  const failed = { applianceId: 'b', ok: false, steps: [{ step: 'login', ok: false, ms: 3, error: 'rejected' }] };
  const skipped = (s: number) => ({
    applianceId: 'c',
    ok: false,
    steps: [],
    skipped: 'tested 10 s ago',
    retryAfterSeconds: s,
  });

  test.each([
    ['every appliance ok', [ok, ok], 200, undefined],
    ['one failed', [ok, failed], 502, undefined],
    ['skipped and failed', [skipped(5), failed], 502, undefined],
    ['skipped and ok', [skipped(5), ok], 502, undefined],
    ['every one skipped: the longest wait', [skipped(5), skipped(42.5)], 429, '43'],
  ])('%s → %i', (_what, results, status, retryAfter) => {
    const reply = connectionReply(results);
    expect(reply.status).toBe(status);
    expect(reply.headers?.['retry-after']).toBe(retryAfter);
    expect(reply.json).toMatchObject({ results });
  });
});
