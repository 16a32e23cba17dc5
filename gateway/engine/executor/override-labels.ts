import type { Supergraph } from '@apollo/federation-internals';

/** Progressive `@override(label:)`: which labels a supergraph has, and which are on for one request. */

const PERCENT_LABEL = /^percent\((\d+(?:\.\d+)?)\)$/;

/** The labels of progressive `@override`s, read from the supergraph's `join__field(overrideLabel:)`. */
export function overrideLabelsOf(supergraph: Supergraph): string[] {
  const labels = new Set<string>();
  for (const type of supergraph.schema.types()) {
    if (!('fields' in type)) continue;
    for (const field of type.fields()) {
      for (const directive of field.appliedDirectivesOf('join__field')) {
        const label = (directive.arguments() as { overrideLabel?: unknown }).overrideLabel;
        if (typeof label === 'string') labels.add(label);
      }
    }
  }
  return [...labels].sort();
}

/**
 * Progressive override, decided per request: `percent(N)` is on for N % of requests (`random` draws
 * a number in [0, 100)), any other label when config lists it in `enabled`. Plans differ by the
 * labels that are on, so the plan key carries them as `bits`, one per label in `labels`' order.
 */
export function resolveOverrides(
  labels: readonly string[],
  enabled: readonly string[],
  random: () => number = () => Math.random() * 100,
): { bits: string; conditions: Map<string, boolean> } | undefined {
  if (labels.length === 0) return undefined;
  const conditions = new Map<string, boolean>();
  let bits = '';
  for (const label of labels) {
    const percent = PERCENT_LABEL.exec(label);
    const on = percent ? random() < Number(percent[1]) : enabled.includes(label);
    conditions.set(label, on);
    bits += on ? '1' : '0';
  }
  return { bits, conditions };
}
