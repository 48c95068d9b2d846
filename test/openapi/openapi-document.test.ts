// The generated OpenAPI document: valid OpenAPI 3.1 by a real validator in both refresh-token transports, complete
// (every route the app serves, read from its router), and generated from the very schemas the controllers use.
import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  changePasswordBody,
  deleteAccountBody,
  emptyBody,
  loginBody,
  registerBody,
  sessionIdParams,
} from '../../src/auth/auth-schemas.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/error-catalogue.js';
import {
  confirmTotpBody,
  loginMfaBody,
  passwordAndCodeBody,
  setupTotpBody,
} from '../../src/mfa/mfa-schemas.js';
import { createRefreshTokenTransport } from '../../src/auth/refresh-token-transport.js';
import type { OpenApiDocument } from '../../src/openapi/openapi-document.js';
import type { OperationObject } from '../../src/openapi/openapi-operation.js';
import {
  changeEmailBody,
  confirmEmailChangeBody,
  forgotPasswordBody,
  resendVerificationBody,
  resetPasswordBody,
  verifyEmailBody,
} from '../../src/recovery/recovery-schemas.js';
import { servedRoutes } from '../helpers/app-routes.js';
import { buildTestApp } from '../helpers/test-app.js';

const TRANSPORTS = {
  body: {},
  cookie: { REFRESH_TOKEN_TRANSPORT: 'cookie', CORS_ORIGINS: 'https://app.example.com' },
} as const;

function documented(transport: keyof typeof TRANSPORTS) {
  const testApp = buildTestApp({ env: TRANSPORTS[transport] });
  return { ...testApp, document: testApp.document() };
}

function operationsOf(document: OpenApiDocument): [string, string, OperationObject][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, string, OperationObject] => [
      method,
      path,
      operation,
    ]),
  );
}

const asJsonSchema = (schema: z.ZodType) => {
  const json: Record<string, unknown> = z.toJSONSchema(schema, { io: 'input' });
  delete json.$schema;
  return json;
};

async function validationProblems(document: object): Promise<string | undefined> {
  // The validator dereferences in place: it gets a copy.
  const result = await validate(structuredClone(document) as never);
  return result.valid ? undefined : compileErrors(result);
}

describe.each(Object.keys(TRANSPORTS) as (keyof typeof TRANSPORTS)[])('in %s mode', (transport) => {
  it('when the document is built, then an OpenAPI 3.1 validator accepts it', async () => {
    const { document } = documented(transport);

    expect(document.openapi).toMatch(/^3\.1\./);
    expect(await validationProblems(document)).toBeUndefined();
  });

  it('when the app serves a route, then the document describes that method and path, and nothing else', () => {
    const { app, document } = documented(transport);
    const served = servedRoutes(app).map(({ method, path }) => `${method} ${path}`);
    const described = operationsOf(document).map(([method, path]) => `${method} ${path}`);

    expect(served.length).toBeGreaterThan(10);
    expect(described.sort()).toEqual(served.sort());
  });

  it('when a request body or path parameter is described, then it is the JSON Schema of what the controller validates', () => {
    const { config, document } = documented(transport);
    const refreshTokenBody = createRefreshTokenTransport(config).bodySchema;
    const validatedBodies: Record<string, z.ZodType> = {
      register: registerBody,
      login: loginBody,
      refresh: refreshTokenBody,
      logout: refreshTokenBody,
      logoutAll: emptyBody,
      changePassword: changePasswordBody,
      deleteAccount: deleteAccountBody,
      forgotPassword: forgotPasswordBody,
      resetPassword: resetPasswordBody,
      verifyEmail: verifyEmailBody,
      resendVerification: resendVerificationBody,
      changeEmail: changeEmailBody,
      confirmEmailChange: confirmEmailChangeBody,
      loginMfa: loginMfaBody,
      setupTotp: setupTotpBody,
      confirmTotp: confirmTotpBody,
      disableTotp: passwordAndCodeBody,
      regenerateRecoveryCodes: passwordAndCodeBody,
    };
    const bodies = Object.fromEntries(
      operationsOf(document)
        .filter(([, , operation]) => operation.requestBody)
        .map(([, , operation]) => [
          operation.operationId,
          operation.requestBody?.content['application/json']?.schema,
        ]),
    );
    const endSession = document.paths['/api/auth/sessions/{id}']?.delete;

    expect(Object.keys(bodies).sort()).toEqual(Object.keys(validatedBodies).sort());
    for (const [operationId, schema] of Object.entries(validatedBodies)) {
      expect(bodies[operationId], operationId).toEqual(asJsonSchema(schema));
    }
    expect(endSession?.parameters).toEqual([
      {
        name: 'id',
        in: 'path',
        required: true,
        schema: (asJsonSchema(sessionIdParams).properties as Record<string, unknown>).id,
      },
    ]);
  });

  it('when an error answer is described, then it refers to the shared Error schema with codes of its status', () => {
    const { document } = documented(transport);
    const errorAnswers = operationsOf(document).flatMap(([, , operation]) =>
      Object.entries(operation.responses).filter(([status]) => Number(status) >= 400),
    );

    expect(errorAnswers.length).toBeGreaterThan(50);
    for (const [status, response] of errorAnswers) {
      const schema = response.content['application/json']?.schema as {
        allOf: [{ $ref: string }, { properties: { error: { enum: ErrorCode[] } } }];
      };
      expect(schema.allOf[0]).toEqual({ $ref: '#/components/schemas/Error' });
      for (const code of schema.allOf[1].properties.error.enum) {
        expect(ERROR_CATALOGUE[code].status, code).toBe(Number(status));
      }
    }
  });

  it('when an operation is rate limited, then its 429 answer documents Retry-After and the RateLimit headers', () => {
    const { document } = documented(transport);
    const tooMany = operationsOf(document)
      .map(([, , operation]) => operation.responses['429'])
      .filter((response) => response !== undefined);

    expect(tooMany).toHaveLength(21);
    for (const response of tooMany) {
      expect(Object.keys(response.headers ?? {})).toEqual(
        expect.arrayContaining(['RateLimit', 'RateLimit-Policy', 'Retry-After']),
      );
    }
  });
});

describe('signing in and email verification', () => {
  it('when an operation takes a Bearer token only if one is sent, then its security also offers no credentials', () => {
    const { document } = documented('body');
    const resend = document.paths['/api/auth/email/verify/resend']?.post;
    const profile = document.paths['/api/auth/profile']?.get;

    expect(resend?.security).toEqual([{ bearerAuth: [] }, {}]);
    expect(resend?.responses['401']?.content['application/json']?.schema).toMatchObject({
      allOf: [
        {},
        { properties: { error: { enum: ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'SESSION_REVOKED'] } } },
      ],
    });
    expect(document.paths['/api/auth/email/change/confirm']?.post?.security).toEqual([
      { bearerAuth: [] },
      {},
    ]);
    expect(document.paths['/api/auth/email/change']?.post?.security).toEqual([{ bearerAuth: [] }]);
    expect(profile?.security).toEqual([{ bearerAuth: [] }]);
  });

  it('when REQUIRE_EMAIL_VERIFICATION is on, then login documents 403 EMAIL_NOT_VERIFIED; when off, it does not', () => {
    const loginOf = (env: Record<string, string>) =>
      buildTestApp({ env }).document().paths['/api/auth/login']?.post;

    expect(
      loginOf({ REQUIRE_EMAIL_VERIFICATION: 'true' })?.responses['403']?.description,
    ).toContain('EMAIL_NOT_VERIFIED');
    expect(loginOf({})?.responses['403']?.description ?? '').not.toContain('EMAIL_NOT_VERIFIED');
  });
});

describe('the refresh-token transport', () => {
  /** The fields of a finished sign-in (the other answer of login is the second factor's challenge). */
  const loginData = (document: OpenApiDocument) => {
    const login = document.components.schemas.LoginResponse as {
      properties: { data: { anyOf: Array<{ properties: Record<string, unknown> }> } };
    };
    return Object.keys(login.properties.data.anyOf[0]?.properties ?? {});
  };

  it('when in body mode, then login answers carry the refresh token and refresh takes it in the body', () => {
    const { document } = documented('body');

    expect(loginData(document)).toContain('refreshToken');
    expect(document.paths['/api/auth/refresh']?.post?.requestBody?.required).toBe(true);
    expect(document.components.securitySchemes).not.toHaveProperty('refreshCookie');
  });

  it('when in cookie mode, then no answer carries the refresh token and refresh reads the cookie', () => {
    const { document } = documented('cookie');
    const refresh = document.paths['/api/auth/refresh']?.post;

    expect(loginData(document)).not.toContain('refreshToken');
    expect(JSON.stringify(document.components.schemas)).not.toContain('refreshToken');
    expect(refresh?.requestBody?.required).toBe(false);
    expect(refresh?.security).toEqual([{ refreshCookie: [] }]);
    expect(refresh?.responses['200']?.headers).toHaveProperty('Set-Cookie');
  });
});

describe('the validator', () => {
  it('when a document refers to a schema it does not define, then the validator refuses it', async () => {
    const { document } = documented('body');
    const { Error: _shared, ...withoutError } = document.components.schemas;
    const broken = { ...document, components: { ...document.components, schemas: withoutError } };

    expect(_shared).toBeDefined();
    expect(await validationProblems(broken)).toMatch(/Error/);
  });
});
