// The second factor in the served API document (GET /api/openapi.json): its six operations, each with the error
// codes a client must handle, the login and the password reset with the codes the second factor adds to them, and
// the Bearer token on every settings route. (That every served route is described at all is openapi-document.test.ts.)
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors/error-catalogue.js';
import type { OpenApiDocument } from '../../src/openapi/openapi-document.js';
import type { OperationObject } from '../../src/openapi/openapi-operation.js';
import { buildTestApp } from '../helpers/test-app.js';

/** Each operation: its method and path, and the codes of the second factor it must document. */
const EXPECTED: Record<string, { method: 'get' | 'post'; path: string; codes: ErrorCode[] }> = {
  loginMfa: {
    method: 'post',
    path: '/api/auth/login/mfa',
    codes: ['VALIDATION_ERROR', 'MFA_TOKEN_INVALID', 'MFA_CODE_INVALID', 'MFA_LOCKED'],
  },
  getMfaStatus: { method: 'get', path: '/api/auth/mfa', codes: ['TOKEN_MISSING'] },
  setupTotp: {
    method: 'post',
    path: '/api/auth/mfa/totp/setup',
    codes: ['PASSWORD_INCORRECT', 'MFA_ALREADY_ENABLED'],
  },
  confirmTotp: {
    method: 'post',
    path: '/api/auth/mfa/totp/confirm',
    codes: ['MFA_SETUP_NOT_FOUND', 'MFA_ALREADY_ENABLED', 'MFA_CODE_INVALID', 'MFA_LOCKED'],
  },
  disableTotp: {
    method: 'post',
    path: '/api/auth/mfa/totp/disable',
    codes: [
      'VALIDATION_ERROR',
      'PASSWORD_INCORRECT',
      'MFA_SETUP_NOT_FOUND',
      'MFA_CODE_INVALID',
      'MFA_LOCKED',
    ],
  },
  regenerateRecoveryCodes: {
    method: 'post',
    path: '/api/auth/mfa/recovery-codes/regenerate',
    codes: [
      'VALIDATION_ERROR',
      'PASSWORD_INCORRECT',
      'MFA_SETUP_NOT_FOUND',
      'MFA_CODE_INVALID',
      'MFA_LOCKED',
    ],
  },
  login: { method: 'post', path: '/api/auth/login', codes: ['MFA_LOCKED'] },
  resetPassword: {
    method: 'post',
    path: '/api/auth/password/reset',
    codes: ['MFA_REQUIRED', 'MFA_CODE_INVALID', 'MFA_LOCKED'],
  },
};

/** Every error code an operation documents, over all its error answers. */
function documentedCodes(operation: OperationObject): string[] {
  return Object.entries(operation.responses)
    .filter(([status]) => Number(status) >= 400)
    .flatMap(([, response]) => {
      const schema = response.content['application/json']?.schema as
        { allOf?: [unknown, { properties: { error: { enum: string[] } } }] } | undefined;
      return schema?.allOf?.[1].properties.error.enum ?? [];
    });
}

async function servedDocument(): Promise<OpenApiDocument> {
  const { app } = buildTestApp();
  const answer = await request(app).get('/api/openapi.json');
  expect(answer.status).toBe(200);
  return answer.body as OpenApiDocument;
}

describe('the second factor in the API document', () => {
  it('when the document is served, then each MFA operation is there with the error codes it answers', async () => {
    const document = await servedDocument();

    for (const [operationId, { method, path, codes }] of Object.entries(EXPECTED)) {
      const operation = document.paths[path]?.[method];
      expect(operation?.operationId, `${method} ${path}`).toBe(operationId);
      expect(documentedCodes(operation as OperationObject), operationId).toEqual(
        expect.arrayContaining(codes),
      );
    }
  });

  it('when the document is served, then the settings routes take a Bearer token and the second login step does not', async () => {
    const document = await servedDocument();
    const settings = Object.values(EXPECTED).filter(({ path }) => path.startsWith('/api/auth/mfa'));

    expect(settings).toHaveLength(5);
    for (const { method, path } of settings) {
      expect(document.paths[path]?.[method]?.security, path).toEqual([{ bearerAuth: [] }]);
    }
    expect(document.paths['/api/auth/login/mfa']?.post?.security ?? []).not.toContainEqual({
      bearerAuth: [],
    });
  });
});
