import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { loadEnvironments } from '../config/load';
import { environmentSchema } from '../config/schema';
import { minimalEnvironment } from './helpers/minimal-environment';

/** Dotted paths of every settable field, unwrapping defaults, optionals, unions and the final transform. */
function fieldPaths(schema: z.core.$ZodType, prefix = ''): string[] {
  const def = schema._zod.def as any;
  switch (def.type) {
    case 'pipe':
      return fieldPaths(def.in, prefix);
    case 'default':
    case 'prefault':
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

interface DocumentedField {
  readonly field: string;
  /** The default column without its backticks; empty when the field has no default. */
  readonly documentedDefault: string;
}

function documentedFields(): DocumentedField[] {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.split('### Configuration reference')[1]!.split('\n### ')[0]!;
  return [...section.matchAll(/^\| `([^`]+)` \|[^|]*\|([^|]*)\|/gm)].map((match) => ({
    field: match[1]!,
    documentedDefault: match[2]!.trim().replace(/^`(.*)`$/, '$1'),
  }));
}

/** A default written as JSON (`90`, `["auto"]`, `{}`) is that value; anything else (`ja`, `100%`) is text. */
function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function valueAt(settings: unknown, field: string): unknown {
  return field.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], settings);
}

describe('README configuration reference', () => {
  it('documents every setting of the schema, once, and nothing else', () => {
    const fields = fieldPaths(environmentSchema);
    expect(fields).toContain('alerts.topicName');
    expect(fields).toContain('accountDisplayName.existingParameterName');
    expect(documentedFields().map(({ field }) => field).sort()).toEqual([...fields].sort());
  });

  it('gives the default the schema fills in for every field it documents one for', () => {
    const { name } = minimalEnvironment;
    const [settings] = loadEnvironments([minimalEnvironment]);
    const withDefaults = documentedFields().filter(({ documentedDefault }) => documentedDefault !== '');
    expect(withDefaults.length).toBeGreaterThan(15);
    for (const { field, documentedDefault } of withDefaults) {
      const text = documentedDefault.replaceAll('<name>', name);
      const documented = parsedOrText(text);
      expect({ field, value: valueAt(settings, field) }).toEqual({ field, value: documented });
    }
  });
});
