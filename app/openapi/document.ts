import { HEADERS, operation, PARAMETERS } from './operation';
import type { RouteScopes } from './routeScopes';
import { routeCatalogue, type RouteDoc } from './routes';
import { SchemaConverter } from './schemas';

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

const DESCRIPTION = `Self-hostable email API compatible with Sendook.

Every \`/v1\` request is authenticated with an organization's API key (\`Authorization: Bearer sndk_...\`)
and draws one point from the organization's request bucket, shared by all of its keys; every response to
such a request carries \`RateLimit-Limit\`, \`RateLimit-Remaining\`, \`RateLimit-Reset\` and
\`RateLimit-Policy\`, and a 429 also \`Retry-After\`. \`/auth\` and \`/organizations\` take a user's access
token (\`sndt_...\`). A key holds scopes (\`["*"]\` by default): each \`/v1\` operation names the one it requires in
\`x-required-scope\` and in its security requirement; without it the answer is 403 \`insufficient_scope\` with
\`details.required\`. Errors are \`{ error, code, requestId, details? }\` with a stable \`code\`. Lists are
bare arrays, newest first, paged with \`?limit=\` and \`?before=<id>\`.`;

/**
 * The OpenAPI 3.1 document of every route in the catalogue (served at GET /openapi.json), with the
 * scope each /v1 route declares on its router (openapi/routeScopes.ts).
 */
export function buildOpenApiDocument(routes: readonly RouteDoc[] = routeCatalogue, scopes: RouteScopes = new Map()): OpenApiDocument {
  const schemas = new SchemaConverter();
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    if (paths[path][route.method]) throw new Error(`route catalogue: ${route.method.toUpperCase()} ${route.path} is listed twice`);
    paths[path][route.method] = operation(route, schemas, scopes);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sendook API',
      // The version of this description; bump it with any change a client could notice.
      version: '1.0.0',
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'sndk_ API key',
          description: "An organization's API key, for `/v1`: `sndk_` + 32 base62 characters + a 6-character checksum.",
        },
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'sndt_ access token',
          description: 'A user\'s access token from register or login, for `/auth` and `/organizations`; it expires (30 days by default).',
        },
      },
      schemas: schemas.components(),
      headers: HEADERS,
      parameters: PARAMETERS,
    },
  };
}
