/**
 * A configuration that cannot be used: one line per problem, each naming its variable (or key),
 * so that a command can print them all and exit with 2 before anything starts.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}
