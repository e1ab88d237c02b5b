/** How big the chaos scenarios run: `ci` (the default, part of `npm test`) or `full` (`npm run test:chaos`). */
export type ChaosScale = 'ci' | 'full';

function readScale(value: string | undefined): ChaosScale {
  if (value === undefined || value === '' || value === 'ci') return 'ci';
  if (value === 'full') return 'full';
  throw new Error(`CHAOS_SCALE must be 'ci' or 'full', got '${value}'`);
}

/** The scale of this run, from CHAOS_SCALE. */
export const CHAOS_SCALE: ChaosScale = readScale(process.env.CHAOS_SCALE);

/** Picks the value of the current scale. */
export function byScale<T>(values: Record<ChaosScale, T>): T {
  return values[CHAOS_SCALE];
}
