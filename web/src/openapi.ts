import { useQuery } from '@tanstack/react-query';
import { get } from './api';
import type { JsonSchema } from './components/SchemaForm';

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** /openapi.json, read once: request-body schemas for forms the console generates (one source: the DTOs). */
export function useOpenApi() {
  return useQuery({
    queryKey: ['openapi'],
    queryFn: ({ signal }) => get<OpenApiDocument>('/openapi.json', signal),
    staleTime: Infinity,
  });
}

function resolve(
  document: OpenApiDocument,
  schema: JsonSchema | undefined,
  depth = 0,
): JsonSchema | undefined {
  if (!schema || depth > 8) return schema;
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(document, document.components?.schemas?.[name], depth + 1);
  }
  if (schema.properties) {
    const properties: Record<string, JsonSchema> = {};
    for (const [key, value] of Object.entries(schema.properties))
      properties[key] = resolve(document, value, depth + 1) ?? value;
    return { ...schema, properties };
  }
  return schema;
}

/** The JSON schema of a route's request body, e.g. ('post', '/escalations/{id}/commands/respond'). */
export function bodySchema(
  document: OpenApiDocument | undefined,
  method: string,
  path: string,
): JsonSchema | undefined {
  const operation = document?.paths[path]?.[method];
  return document
    ? resolve(document, operation?.requestBody?.content?.['application/json']?.schema)
    : undefined;
}
