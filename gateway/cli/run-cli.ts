import { GatewayError } from '../errors.js';
import { schemaCliUsage, UsageError } from './schema-args.js';

/** Runs a schema CLI's main: exit code from `main`, 2 for usage errors, 1 for anything else. */
export function runSchemaCli(command: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${command}: ${error.message}\n${schemaCliUsage(command)}\n`);
        process.exit(2);
      }
      const prefix = error instanceof GatewayError ? `${error.code}: ` : '';
      process.stderr.write(`${command}: ${prefix}${(error as Error)?.message ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
