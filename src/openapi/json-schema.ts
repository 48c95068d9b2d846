// zod 4's own JSON Schema output (draft 2020-12, which OpenAPI 3.1 schemas are), minus what a schema embedded in an
// OpenAPI document must not carry: `$schema` (the document names its dialect once) and the `$id` registry mode
// stamps on each schema (an `$id` would change the base URI its `$ref`s resolve against).
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

const COMPONENT_URI = (name: string) => `#/components/schemas/${name}`;

function embeddable(schema: JsonSchema): JsonSchema {
  const embedded = { ...schema };
  delete embedded.$schema;
  delete embedded.$id;
  return embedded;
}

/** What a client may send: the schema's input side (before trimming, lower-casing and other transforms). */
export function requestJsonSchema(schema: z.ZodType): JsonSchema {
  return embeddable(z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }));
}

/** A reference to a named component schema. */
export const componentRef = (name: string): JsonSchema => ({ $ref: COMPONENT_URI(name) });

/**
 * What the API sends, as named component schemas: each schema's output side, and every schema that is named
 * here and used inside another becomes a `$ref` to its component instead of a copy.
 */
export function responseComponentSchemas(
  named: ReadonlyMap<z.ZodType, string>,
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'output',
    target: 'draft-2020-12',
    uri: COMPONENT_URI,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name, embeddable(schema as JsonSchema)]),
  );
}
