// Vitest setup: every answer supertest receives from an app buildTestApp built is held to the API document, so an
// API test fails, naming the request and what is wrong, whenever the API answers something the document does not
// describe. Apps built any other way and CORS preflights are not checked (see
// test/helpers/documented-answers.ts).
import request from 'supertest';
import { documentedAnswersFor } from '../helpers/documented-answers.js';
import { documentedAppOf } from '../helpers/documented-apps.js';

type Callback = (error: Error | null, response?: request.Response) => void;

/** The parts of supertest's Test this hook reads (its `assert` runs once per answer, before the test's callback). */
interface SupertestTest {
  app: unknown;
  method: string;
  url: string;
  assert: (
    this: SupertestTest,
    error: unknown,
    response: request.Response | undefined,
    callback?: Callback,
  ) => void;
}

const prototype = request.Test.prototype as unknown as SupertestTest;
const assertAnswer = prototype.assert;

function conformanceProblem(test: SupertestTest, response: request.Response): string | undefined {
  const app = documentedAppOf(test.app);
  if (!app) return undefined;
  const path = new URL(test.url).pathname;
  const problem = documentedAnswersFor(app).problemWith({
    method: test.method.toUpperCase(),
    path,
    status: response.status,
    contentType: response.headers['content-type'],
    headers: response.headers,
    body: response.body,
  });
  if (problem === undefined) return undefined;
  return (
    `${test.method.toUpperCase()} ${path} answered ${response.status}, which the API document does not ` +
    `describe: ${problem}.\nBody: ${JSON.stringify(response.body)}\n` +
    'Either the document (src/openapi/, the response schemas) or the code is wrong.'
  );
}

prototype.assert = function assertDocumentedAnswer(this: SupertestTest, error, response, callback) {
  const problem = response ? conformanceProblem(this, response) : undefined;
  if (problem === undefined) {
    assertAnswer.call(this, error, response, callback);
    return;
  }
  callback?.call(this, new Error(problem), response);
};
