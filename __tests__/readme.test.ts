import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { environmentSchema } from '../config/schema';

/** Dotted paths of every settable field, unwrapping defaults, optionals, unions and the final transform. */
function fieldPaths(schema: z.core.$ZodType, prefix = ''): string[] {
  const def = schema._zod.def as any;
  switch (def.type) {
    case 'pipe':
      return fieldPaths(def.in, prefix);
    case 'default':
    case 'optional':
      return fieldPaths(def.innerType, prefix);
    case 'union':
      return [...new Set(def.options.flatMap((option: z.core.$ZodType) => fieldPaths(option, prefix)))] as string[];
    case 'object':
      return Object.entries(def.shape).flatMap(([key, value]) => fieldPaths(value as z.core.$ZodType, prefix ? `${prefix}.${key}` : key));
    default:
      return [prefix];
  }
}

function documentedFields(): string[] {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.split('### Configuration reference')[1]!.split('\n### ')[0]!;
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]!);
}

describe('README configuration reference', () => {
  it('documents every setting of the schema, once, and nothing else', () => {
    const fields = fieldPaths(environmentSchema);
    expect(fields).toContain('alerts.topicName');
    expect(fields).toContain('accountDisplayName.existingParameterName');
    expect([...documentedFields()].sort()).toEqual([...fields].sort());
  });
});
