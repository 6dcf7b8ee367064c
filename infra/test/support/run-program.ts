/**
 * `node run-program.ts '<config as JSON>'`: runs the program under the mock runtime in a process
 * of its own and prints the containers it declares. An error thrown inside an apply (a refused
 * signing key) fails a resource, not the import: it ends the process as it ends `pulumi up`.
 */
import { runProgram } from './mock-runtime.ts';

const run = await runProgram(JSON.parse(process.argv[2] ?? '{}') as Record<string, string>);
process.stdout.write(`${JSON.stringify(run.containerNames)}\n`);
