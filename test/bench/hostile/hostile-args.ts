import { parseArgs } from 'node:util';
import type { GatewayId } from '../args.js';
import { CLASS_NAMES, type ClassName } from './cases.js';

export interface HostileOptions {
  rounds: number;
  /** Fewer requests per shape (see each shape's `quickCount`). */
  quick: boolean;
  only: GatewayId[];
  classes: ClassName[];
  jsonPath?: string;
}

export const HOSTILE_USAGE = `Usage: npm run bench:hostile -- [--rounds <n>] [--quick] [--only A,B] [--class ${CLASS_NAMES.join(',')}] [--json <file>]`;

/** Parses `npm run bench:hostile` flags (default: 1 round, every class, A and B); a bad one throws with the usage. */
export function parseHostileArgs(argv: readonly string[]): HostileOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      class: { type: 'string' },
      json: { type: 'string' },
    },
    strict: true,
  });
  const rounds = values.rounds === undefined ? 1 : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: "${values.rounds}" is not a positive integer.\n${HOSTILE_USAGE}`);
  const only = (values.only ?? 'A,B')
    .toUpperCase()
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of only) if (id !== 'A' && id !== 'B') throw new Error(`--only: "${id}" is not A or B.\n${HOSTILE_USAGE}`);
  const classes = (values.class ?? CLASS_NAMES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of classes) if (!CLASS_NAMES.includes(name as ClassName)) throw new Error(`--class: "${name}" is not a class.\n${HOSTILE_USAGE}`);
  return {
    rounds,
    quick: values.quick ?? false,
    only: (['A', 'B'] as const).filter((id) => only.includes(id)),
    classes: CLASS_NAMES.filter((name) => classes.includes(name)),
    jsonPath: values.json,
  };
}
