// zod/mini keeps the Lambda bundles small: the classic API costs hundreds of KB in every cold start.
import * as z from 'zod/mini';

/**
 * A Lambda function's settings as environment variables, defined once for both sides: the stack
 * encodes the settings into the function's variables, the handler decodes them at cold start.
 */
export interface FunctionEnvironment<Settings> {
  /** The function's short name; Powertools writes it as `service` on every log line. */
  readonly serviceName: string;
  /** The variable of each setting. */
  readonly variables: { readonly [Field in keyof Settings]-?: string };
  /** Every variable the stack sets, Powertools' service name included. */
  readonly variableNames: readonly string[];
  /**
   * The variables for these settings. Nothing is checked: at synth time values may be Terraform tokens,
   * which resolve only at apply time, and the configuration was checked before the stack was built.
   */
  encode(settings: Settings): Record<string, string>;
  /** The settings from the function's variables; throws an error naming every missing or bad variable. */
  decode(variables: Readonly<Record<string, string | undefined>>): Settings;
}

/** One setting, carried in one environment variable. */
export interface Variable<Value> {
  readonly name: string;
  /** Reads and checks the variable's text (undefined when the variable is unset). */
  readonly schema: z.ZodMiniType<Value>;
  /** The value as the variable's text; undefined leaves the variable unset. */
  write(value: Value): string | undefined;
}

/** Powertools names the `service` of every log line after this variable. */
export const SERVICE_NAME_VARIABLE = 'POWERTOOLS_SERVICE_NAME';

const nonEmptyText = z.string().check(z.minLength(1, 'non-empty text'));

/** A variable holding text, checked by `schema` (any non-empty text by default). */
export function text(name: string, schema: z.ZodMiniType<string> = nonEmptyText): Variable<string> {
  return { name, schema, write: (value) => value };
}

/** A variable holding one of `values`. */
export function oneOf<const Values extends readonly [string, ...string[]]>(name: string, values: Values): Variable<Values[number]> {
  return { name, schema: z.enum(values, `one of ${values.join(', ')}`), write: (value) => value };
}

/** A variable holding a comma-separated list of non-empty texts (which must not contain commas). */
export function list(name: string): Variable<readonly string[]> {
  const items = z.array(nonEmptyText).check(z.minLength(1, 'at least one item'));
  return {
    name,
    schema: z.pipe(z.string(), z.pipe(z.transform((value: string) => value.split(',')), items)),
    write: (value) => value.join(','),
  };
}

/** A variable holding a structured value as JSON. */
export function json<Value>(name: string, schema: z.ZodMiniType<Value>): Variable<Value> {
  const parsed = z.transform((value: string, context) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      context.issues.push({ code: 'custom', message: 'JSON text', input: value });
      return z.NEVER;
    }
  });
  return { name, schema: z.pipe(z.string(), z.pipe(parsed, schema)), write: (value) => JSON.stringify(value) };
}

/** The same variable, left unset when the setting has no value. */
export function optional<Value>(variable: Variable<Value>): Variable<Value | undefined> {
  return {
    name: variable.name,
    schema: z.optional(variable.schema),
    write: (value) => (value === undefined ? undefined : variable.write(value)),
  };
}

type Fields = Record<string, Variable<unknown>>;
/** The settings a set of variables carries, one field per variable. */
export type SettingsOf<F extends Fields> = { [Field in keyof F]: F[Field] extends Variable<infer Value> ? Value : never };

/** Variables that several functions carry, encoded and decoded like a function's own. */
export interface VariableSet<Settings> {
  /** The variable of each setting. */
  readonly variables: { readonly [Field in keyof Settings]-?: string };
  readonly variableNames: readonly string[];
  /** The variables for these settings; unset for settings without a value. Nothing is checked. */
  encode(settings: Settings): Record<string, string>;
  /** The settings from the variables; throws an error naming every missing or bad variable. */
  decode(variables: Readonly<Record<string, string | undefined>>): Settings;
}

/** A set of variables, one per field, not tied to one function (`owner` names them in errors). */
export function variableSet<F extends Fields>(owner: string, fields: F): VariableSet<SettingsOf<F>> {
  const entries = Object.entries(fields) as [keyof F & string, Variable<unknown>][];
  const schema = z.object(Object.fromEntries(entries.map(([, variable]) => [variable.name, variable.schema])));

  return {
    variables: Object.fromEntries(entries.map(([field, variable]) => [field, variable.name])) as VariableSet<SettingsOf<F>>['variables'],
    variableNames: entries.map(([, variable]) => variable.name),

    encode(settings) {
      const variables: Record<string, string> = {};
      for (const [field, variable] of entries) {
        const value = variable.write(settings[field]);
        if (value !== undefined) variables[variable.name] = value;
      }
      return variables;
    },

    decode(variables) {
      const result = schema.safeParse(variables, { reportInput: true });
      if (!result.success) {
        const problems = result.error.issues.map((issue) => `\n  - ${describeIssue(issue)}`);
        throw new Error(`The ${owner} environment is invalid:${problems.join('')}`);
      }
      const data = result.data as Record<string, unknown>;
      const settings: Record<string, unknown> = {};
      for (const [field, variable] of entries) if (data[variable.name] !== undefined) settings[field] = data[variable.name];
      return settings as SettingsOf<F>;
    },
  };
}

/** The environment of the function `serviceName`, one variable per field of its settings. */
export function functionEnvironment<F extends Fields>(serviceName: string, fields: F): FunctionEnvironment<SettingsOf<F>> {
  const set = variableSet(`${serviceName} function's`, fields);
  return {
    serviceName,
    variables: set.variables,
    variableNames: [...set.variableNames, SERVICE_NAME_VARIABLE],
    encode: (settings) => ({ ...set.encode(settings), [SERVICE_NAME_VARIABLE]: serviceName }),
    decode: (variables) => set.decode(variables),
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const name = issue.path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
  if (issue.input === undefined) return `${name} is missing`;
  return `${name} = ${JSON.stringify(issue.input)} is not allowed; allowed: ${issue.message}`;
}
