import { DEFAULT_ROUTE } from '../routing/route-types';
import type { AlertDeliveryInput, DeliveryState } from '../shared/types';

/** What a delivery says of itself, as lines a person reads (the `explain` query, `ops:explain`, the Web UI). */
export interface DeliveryExplanation {
  lines: string[];
}

/**
 * The decision chain of one delivery, from its input and state: the alert, where it pages and why (routes chosen at
 * its start), the window it waited for, the alerts that joined it, every send with its time and outcome, and now.
 */
export function explainDelivery(
  input: AlertDeliveryInput,
  state: DeliveryState,
  startedAt: string,
): DeliveryExplanation {
  const a = input.alert;
  const lines = [
    `alert ${a.id} on ${input.applianceId}: ${[a.severity, a.healthCategory, a.resourceName].filter(Boolean).join(' · ')}`,
    `  first seen   ${startedAt}: delivery started (OneView created it ${a.created})`,
  ];
  const targets = input.targets?.length ? input.targets : [{ route: DEFAULT_ROUTE }];
  lines.push(
    `  routes       ${targets
      .map((t) =>
        [
          t.route === DEFAULT_ROUTE ? "default (the appliance's key)" : t.route,
          t.severity ? `severity ${t.severity}` : '',
          t.priority ? `priority ${t.priority}` : '',
        ]
          .filter(Boolean)
          .join(', '),
      )
      .join('; ')}`,
  );
  if (input.suppress)
    lines.push(
      `  window       started inside ${input.suppress.window}${
        state.suppressedBy ? `: suppressed until ${state.suppressedBy.until}` : ', which has ended'
      }`,
    );
  if (state.related?.length)
    lines.push(`  grouping     ${state.related.length} alerts below its enclosure joined this incident`);
  for (const [i, s] of (state.sends ?? []).entries())
    lines.push(
      `  ${i === 0 ? 'PagerDuty   ' : '            '} ${s.at} ${s.action} → ${s.route}: ${
        s.ok ? 'accepted' : `failed for good: ${s.error ?? 'unknown'}`
      }${s.related ? ` (listing ${s.related} alerts)` : ''}`,
    );
  lines.push(`  now          ${PHASE_TEXT[state.phase]}${state.error ? ` (${state.error})` : ''}`);
  return { lines };
}

const PHASE_TEXT: Record<DeliveryState['phase'], string> = {
  suppressed: 'suppressed: waiting for its maintenance window to end',
  skipped: 'skipped: it cleared inside its maintenance window, nothing was paged',
  triggering: 'triggering: sending to PagerDuty (retried until accepted)',
  triggered: 'triggered: waiting for OneView to clear it',
  resolving: 'resolving: sending the resolve',
  resolved: 'resolved',
  failed: 'failed: PagerDuty refused the trigger for good',
};
