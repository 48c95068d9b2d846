// The ESLint rule that holds DESIGN section 1's layers: a wrong-way import under src/ fails `npm run lint`. Checked
// on the rule itself (every lower layer importing a feature is refused; the right way round passes) and on the
// project's ESLint configuration (the rule is on for every file under src/).
import { ESLint, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS, layerDirection } from '../../eslint-rules/layer-direction.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
});
const at = (path: string) => `${process.cwd()}/src/${path}`;

describe('the layer-direction rule', () => {
  tester.run('layer-direction', layerDirection, {
    valid: [
      {
        filename: at('auth/auth-service.ts'),
        code: "import { AppError } from '../errors/app-error.js';",
      },
      {
        filename: at('auth/auth-service.ts'),
        code: "import type { Stores } from '../storage/ports/stores.js';",
      },
      {
        filename: at('http/validate.ts'),
        code: "import { AppError } from '../errors/app-error.js';",
      },
      {
        filename: at('app.ts'),
        code: "import { createAuthFeature } from './auth/auth-feature.js';",
      },
      {
        filename: at('openapi/docs-operations.ts'),
        code: "import { x } from '../http/operation.js';",
      },
      {
        filename: at('auth/auth-feature.ts'),
        code: "import { x } from './tokens/token-service.js';",
      },
      { filename: at('http/json-body.ts'), code: "import express from 'express';" },
      {
        filename: at('mail/outbox-worker.ts'),
        code: "import type { MailOutbox } from '../storage/ports/mail-outbox.js';",
      },
    ],
    invalid: [
      ...['http', 'mail', 'storage', 'limits', 'observability', 'config', 'errors'].map(
        (layer) => ({
          filename: at(`${layer}/some-module.ts`),
          code: "import { accessTokenGuard } from '../auth/access-token-guard.js';",
          errors: [{ messageId: 'upward' }],
        }),
      ),
      {
        filename: at('errors/app-error.ts'),
        code: "import type { Clock } from '../clock.js';",
        errors: [{ messageId: 'sideways' }],
      },
      {
        filename: at('probes/probe-operations.ts'),
        code: "import { x } from '../auth/auth-service.js';",
        errors: [{ messageId: 'sideways' }],
      },
      {
        filename: at('storage/session-cache.ts'),
        code: "export { x } from '../http/operation.js';",
        errors: [{ messageId: 'upward' }],
      },
      {
        filename: at('mail/smtp-transport.ts'),
        code: "import { x } from '../http/operation.js';",
        errors: [{ messageId: 'upward' }],
      },
      {
        filename: at('http/lazy.ts'),
        code: "const feature = await import('../auth/auth-feature.js');",
        errors: [{ messageId: 'upward' }],
      },
      {
        filename: at('newfolder/thing.ts'),
        code: "import { AppError } from '../errors/app-error.js';",
        errors: [{ messageId: 'unknown' }],
      },
    ],
  });

  it('when a folder is under src/, then it is in exactly one layer', async () => {
    const { readdirSync } = await import('node:fs');
    const units = readdirSync(`${process.cwd()}/src`);
    const layered = LAYERS.flat();

    expect([...units].sort()).toEqual([...layered].sort());
    expect(new Set(layered).size).toBe(layered.length);
  });
});

describe('the project ESLint configuration', () => {
  it('when a file under src/ is linted, then the layer-direction rule is an error there', async () => {
    const eslint = new ESLint();
    for (const file of [
      'src/http/json-body.ts',
      'src/storage/session-cache.ts',
      'src/errors/app-error.ts',
    ]) {
      const config = (await eslint.calculateConfigForFile(file)) as {
        rules: Record<string, unknown>;
      };
      expect(config.rules['auth-api/layer-direction'], file).toEqual([2]);
    }
  });
});
