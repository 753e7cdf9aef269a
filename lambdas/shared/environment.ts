import * as z from 'zod/mini';

/**
 * Reads a function's settings from its Lambda environment variables, which the stack sets. A missing
 * or bad variable fails the cold start with an error naming every one, so Lambda reports it at once.
 */
export function readEnvironment<Schema extends z.ZodMiniType>(schema: Schema, variables: NodeJS.ProcessEnv, functionLabel: string): z.output<Schema> {
  const result = schema.safeParse(variables);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`The ${functionLabel}'s environment is invalid: ${problems.join('; ')}`);
}
