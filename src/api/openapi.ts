import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { EndpointSpec, OperationRegistry } from './endpoint';
import { ProblemKind, problemType } from './problem';

type Schema = Record<string, unknown>;
/** A DTO class, as far as the document needs it. */
type Named = { name: string };

// class-transformer ships no typings for its storage entry point; the schema generator needs it to follow
// nested DTOs (@ValidateNested + @Type).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: never;
};

const problemSchema: Schema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', enum: Object.keys(ProblemKind).map((k) => problemType(k as ProblemKind)) },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    invalidFields: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } },
      },
    },
    missingPermission: { type: 'string' },
    acceptedEvents: { type: 'array', items: { type: 'string' } },
    currentVersion: { type: ['integer', 'null'] },
  },
};

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

function operation(spec: EndpointSpec, schemas: Record<string, Schema>): Schema {
  const pathParameters = [...spec.path.matchAll(/:(\w+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const querySchema = spec.query ? schemas[spec.query.name] : undefined;
  const required = new Set((querySchema?.required as string[] | undefined) ?? []);
  const queryParameters = Object.entries(
    (querySchema?.properties as Record<string, Schema> | undefined) ?? {},
  ).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema,
  }));
  const headerParameters = [
    ...(spec.idempotent
      ? [
          {
            name: 'Idempotency-Key',
            description: 'Retry-safe key: a retry with the same key returns the first result',
          },
        ]
      : []),
    ...(spec.headers ?? []),
  ].map((h) => ({
    name: h.name,
    in: 'header',
    required: false,
    description: h.description,
    schema: { type: 'string' },
  }));
  const status = String(spec.status ?? 200);
  const responses: Record<string, unknown> = {
    [status]: {
      description: 'Success',
      content: {
        'application/json': {
          schema: spec.response ? { $ref: `#/components/schemas/${spec.response.name}` } : { type: 'object' },
        },
      },
    },
    ...(spec.dryRun && status !== '200'
      ? { '200': { description: 'Dry run (?dryRun=true): what applying would do; nothing written' } }
      : {}),
    '400': problemResponse('Invalid request (see invalidFields)'),
    default: problemResponse('Problem details'),
  };
  if (!spec.public) responses['401'] = problemResponse('Not authenticated');
  if (!spec.public) responses['403'] = problemResponse('A permission is missing (see missingPermission)');
  return {
    summary: spec.summary,
    tags: [spec.tag],
    operationId: `${spec.method}${spec.path.replace(/[/:-](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
    ...(spec.public ? { security: [] } : {}),
    parameters: [...pathParameters, ...queryParameters, ...headerParameters],
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${spec.body.name}` } } },
          },
        }
      : {}),
    ...(spec.upload
      ? {
          requestBody: {
            required: true,
            description: `${spec.upload.description} (at most ${spec.upload.maxBytes} bytes)`,
            content: {
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: { file: { type: 'string', format: 'binary' }, name: { type: 'string' } },
                  required: ['file'],
                },
              },
            },
          },
        }
      : {}),
    responses,
  };
}

let generated: Record<string, Schema> | undefined;

/** The JSON schemas of every DTO, from their class-validator decorators (generated once, then shared). */
function dtoSchemas(): Record<string, Schema> {
  generated ??= validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
  }) as Record<string, Schema>;
  return generated;
}

/**
 * A DTO without decorators of its own (e.g. `AdvancePhaseDto extends VersionedCommandDto`) has no
 * metadata entry: give it its nearest ancestor's schema so that every $ref resolves.
 */
function ensureSchema(dto: Named | undefined): void {
  const schemas = dtoSchemas();
  if (!dto || schemas[dto.name]) return;
  for (
    let parent = Object.getPrototypeOf(dto) as Named | null;
    parent && parent.name;
    parent = Object.getPrototypeOf(parent) as Named | null
  ) {
    if (schemas[parent.name]) {
      schemas[dto.name] = schemas[parent.name]!;
      return;
    }
  }
  schemas[dto.name] = { type: 'object', properties: {}, additionalProperties: false };
}

/** The JSON schema of a request DTO — the very schema /openapi.json shows under its name. */
export function requestSchemaOf(dto: Named): Schema {
  ensureSchema(dto);
  return dtoSchemas()[dto.name]!;
}

/**
 * The OpenAPI 3.1 document, generated from the declared endpoints and the class-validator decorators of
 * their DTOs, so the schema and the validation can never disagree.
 */
export function buildOpenApiDocument(registry: OperationRegistry): Schema {
  // Regenerated per app: every DTO module the routers import is loaded by now.
  generated = undefined;
  const schemas = dtoSchemas();
  for (const spec of registry.operations) [spec.body, spec.query, spec.response].forEach(ensureSchema);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of registry.operations) {
    const path = spec.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][spec.method] = operation(spec, schemas);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'zhengzhi (整治) API',
      version: '0.1.0',
      description:
        'Campaigns, problem items, escalations and rule sets of rectification campaigns. Errors are RFC 9457 application/problem+json.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An access token from POST /auth/login, or an API token (zzt_…)',
        },
      },
      schemas: { ...schemas, Problem: problemSchema },
    },
  };
}
