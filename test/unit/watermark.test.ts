import { applyWatermark } from '../../src/activities/oneview/watermark';
import type { AlertRecord } from '../../src/shared/types';

const alert = (id: string, modified: string): AlertRecord => ({
  id,
  uri: `/rest/alerts/${id}`,
  severity: 'Critical',
  alertState: 'Active',
  description: 'x',
  created: modified,
  modified,
});

const T1 = '2026-01-01T00:00:00.100Z';
const T2 = '2026-01-01T00:00:00.200Z';

test('the first poll takes everything and marks every id at the newest instant', () => {
  const { fresh, watermark } = applyWatermark([alert('2', T2), alert('1', T1), alert('3', T2)], undefined);
  expect(fresh.map((a) => a.id)).toEqual(['1', '2', '3']);
  expect(watermark).toEqual({ modified: T2, idsAtModified: ['2', '3'] });
});

test('alerts already handled at the watermark instant are dropped; new ones at the same instant are kept', () => {
  const { fresh, watermark } = applyWatermark([alert('2', T2), alert('3', T2), alert('4', T2)], {
    modified: T2,
    idsAtModified: ['2', '3'],
  });
  expect(fresh.map((a) => a.id)).toEqual(['4']);
  expect(watermark).toEqual({ modified: T2, idsAtModified: ['2', '3', '4'] });
});

test('a later change of an already handled alert is seen again', () => {
  const later = '2026-01-01T00:00:01.000Z';
  const { fresh, watermark } = applyWatermark([alert('2', T2), alert('2', later)], {
    modified: T2,
    idsAtModified: ['2'],
  });
  expect(fresh.map((a) => a.modified)).toEqual([later]);
  expect(watermark).toEqual({ modified: later, idsAtModified: ['2'] });
});

test('nothing new keeps the watermark as it was', () => {
  const mark = { modified: T2, idsAtModified: ['9'] };
  expect(applyWatermark([], mark)).toEqual({ fresh: [], watermark: mark });
});
