/**
 * Avro schemas through avsc: parsing (named types from references first), validation of a
 * record given as JSON (avsc's own value checks, which report each bad field's path), and
 * compatibility by avsc's schema resolution (the reader's resolver for the writer's type
 * fails exactly when Avro's resolution rules do).
 */
import avro from 'avsc';
import { invalidSchema, parseJsonSchemaText, pointerToken, type ParsedSchema, type SchemaFormat, type ValueProblem } from './format.js';

export class AvroSchema implements ParsedSchema {
  readonly schemaType = 'AVRO' as const;
  constructor(readonly type: avro.Type) {}

  validate(value: unknown): ValueProblem[] {
    const problems: ValueProblem[] = [];
    this.type.isValid(value, {
      errorHook: (path: string[], _value: unknown, type: avro.Type) => {
        problems.push({ path: path.map((p) => `/${pointerToken(p)}`).join(''), message: `must be ${describe(type)}` });
      },
    });
    return problems;
  }

  canRead(writer: ParsedSchema): string[] {
    if (!(writer instanceof AvroSchema)) return [`the writer's schema is ${writer.schemaType}, not AVRO`];
    try {
      this.type.createResolver(writer.type);
      return [];
    } catch (err) {
      return [(err as Error).message];
    }
  }
}

function describe(type: avro.Type): string {
  const name = type.name ?? type.typeName;
  return type.name ? `a ${type.typeName} ${name}` : `of type ${name}`;
}

export const avroFormat: SchemaFormat = {
  canonical: (text) => JSON.stringify(parseJsonSchemaText(text, 'Avro')),
  parse(text, references) {
    const registry: Record<string, avro.Type> = {};
    try {
      for (const ref of references) avro.Type.forSchema(JSON.parse(ref.schema) as avro.Schema, { registry });
      return new AvroSchema(avro.Type.forSchema(parseJsonSchemaText(text, 'Avro') as avro.Schema, { registry }));
    } catch (err) {
      if ((err as { code?: string }).code === 'INVALID_SCHEMA') throw err;
      throw invalidSchema(`invalid Avro schema: ${(err as Error).message}`, err);
    }
  },
};
