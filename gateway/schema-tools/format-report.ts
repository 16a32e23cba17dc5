import type { SchemaCheckResult } from './check.js';

/** Left-aligned columns, widths from the content; the last column is not padded. */
function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => '  ' + cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  const rule = '  ' + widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The human report of a schema check: composition errors, then breaking and dangerous changes. */
export function formatCheckReport(result: SchemaCheckResult, allowBreaking = false): string {
  const out: string[] = [`Schema check for subgraph "${result.subgraph}"`, ''];
  if (result.compositionErrors.length > 0) {
    out.push(`✖ Composition failed with ${result.compositionErrors.length} error(s):`);
    out.push(
      table(
        ['CODE', 'SUBGRAPHS', 'MESSAGE'],
        result.compositionErrors.map((e) => [e.code, e.subgraphs.join(', ') || '-', e.message]),
      ),
    );
    return out.join('\n') + '\n';
  }
  out.push('✔ Composes with the other subgraphs.');
  if (result.currentCompositionFailed) {
    out.push('! The current supergraph does not compose, so there is nothing to compare against.');
    return out.join('\n') + '\n';
  }
  const breaking = result.changes.filter((c) => c.severity === 'breaking');
  const dangerous = result.changes.filter((c) => c.severity === 'dangerous');
  out.push('');
  if (breaking.length > 0) {
    out.push(`${allowBreaking ? '!' : '✖'} ${breaking.length} breaking change(s)${allowBreaking ? ' (allowed by --allow-breaking)' : ''}:`);
    out.push(
      table(
        ['CHANGE', 'DESCRIPTION'],
        breaking.map((c) => [c.type, c.description]),
      ),
    );
  } else {
    out.push('✔ No breaking changes.');
  }
  if (dangerous.length > 0) {
    out.push('', `! ${dangerous.length} dangerous change(s) (clients may behave differently):`);
    out.push(
      table(
        ['CHANGE', 'DESCRIPTION'],
        dangerous.map((c) => [c.type, c.description]),
      ),
    );
  }
  if (breaking.length === 0 && dangerous.length === 0) out.push('  The API schema is unchanged or only grows.');
  return out.join('\n') + '\n';
}
