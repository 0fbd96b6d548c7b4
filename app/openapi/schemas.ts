import { z } from 'zod';
import { namedObjects } from './objects';

type JsonSchema = Record<string, unknown>;

const REF_ROOT = '#/components/schemas/';

/**
 * zod → JSON Schema with zod's own z.toJSONSchema (JSON Schema 2020-12, the dialect of OpenAPI
 * 3.1). The named objects become components.schemas and are referred to by $ref.
 */
export class SchemaConverter {
  private readonly registry = z.registry<{ id: string }>();

  constructor() {
    for (const schema of namedObjects) this.registry.add(schema, { id: idOf(schema) });
  }

  /** components.schemas, each object with its references to the others. */
  components(): Record<string, JsonSchema> {
    const { schemas } = z.toJSONSchema(this.registry, { uri: (id) => REF_ROOT + id, io: 'output', unrepresentable: 'any' });
    return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, clean(schema as JsonSchema)]));
  }

  /** A response body: a $ref to a named object, or the schema inline. */
  output(schema: z.ZodType): JsonSchema {
    const named = this.registry.get(schema);
    if (named) return { $ref: REF_ROOT + named.id };
    return clean(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema);
  }

  /**
   * A request body or query as the client sends it (io: 'input': before defaults and transforms,
   * e.g. expiresAt is the ISO string, not the epoch milliseconds the route turns it into).
   * Refinements written as code (`.refine`) are not representable and are left out.
   */
  input(schema: z.ZodType): JsonSchema {
    return clean(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
  }
}

function idOf(schema: z.ZodType): string {
  const id = schema.meta()?.id;
  if (typeof id !== 'string') throw new Error('every named object needs .meta({ id })');
  return id;
}

// Inside an OpenAPI document a schema carries no $schema (the document's dialect applies) and no
// $id (it would change how $refs inside it resolve).
function clean(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}
