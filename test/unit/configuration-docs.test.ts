// The configuration is described three times: the zod schema (the truth), `.env.example` and the table in
// docs/configuration.md. These tests hold the two descriptions to the schema's variables and defaults, so none drifts.
import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { envSchema } from '../../src/config/env-schema.js';
import { productionEnv } from '../helpers/production-env.js';

const readFromRoot = (path: string) =>
  readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

const schemaFields: Record<string, { parse(value: unknown): unknown }> = envSchema.shape;
const schemaNames = Object.keys(schemaFields).sort();
const schemaDefaults: Record<string, unknown> = envSchema.parse({});

/** "Nothing set": the schema applies no value of its own (or an empty list, or `false`). */
const appliesNoValue = (value: unknown) =>
  value === undefined || value === false || (Array.isArray(value) && value.length === 0);

/** Defaults that loadConfig works out from NODE_ENV rather than the schema; checked against loadConfig below. */
const DERIVED_DEFAULTS = new Set(['HOST']);

const envExampleText = readFromRoot('.env.example');
/** What the service would read from a `.env` copied from `.env.example`: dotenv's parse, as main.ts loads it. */
const envExample: Record<string, string> = dotenv.parse(envExampleText);
const envExampleAssignments = envExampleText
  .split('\n')
  .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
  .filter((name) => name !== undefined);

interface DocumentedVariable {
  name: string;
  /** The Default cell as written, e.g. "`15m`" or "unset (memory)". */
  defaultCell: string;
}

/** The rows of the table under "## Variables" whose header starts `| Variable | Default |`. */
function documentedVariables(): DocumentedVariable[] {
  const lines = readFromRoot('docs/configuration.md').split('\n');
  const header = lines.findIndex((line) => /^\|\s*Variable\s*\|\s*Default\s*\|/.test(line));
  if (header === -1) throw new Error('docs/configuration.md has no "| Variable | Default |" table');
  const rows: DocumentedVariable[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [nameCell = '', defaultCell = ''] = line
      .split('|')
      .slice(1)
      .map((cell) => cell.trim());
    const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(nameCell)?.[1];
    if (name === undefined)
      throw new Error(`a row of the variable table names no variable: ${line}`);
    rows.push({ name, defaultCell });
  }
  return rows;
}

/** The value a Default cell states: its leading code span ("`15m`" -> "15m"); undefined for "unset", "generated" … */
const statedValue = (defaultCell: string) => /^`([^`]*)`/.exec(defaultCell)?.[1];

const duplicates = (names: string[]) =>
  names.filter((name, index) => names.indexOf(name) !== index);

describe('.env.example', () => {
  it('when it is read, then it assigns exactly the variables of the schema, each once', () => {
    expect(duplicates(envExampleAssignments)).toEqual([]);
    expect([...envExampleAssignments].sort()).toEqual(schemaNames);
    expect(Object.keys(envExample).sort()).toEqual(schemaNames);
  });

  it("when it gives a value, then that value is the schema's default, so copying it to .env changes nothing", () => {
    const disagreements = Object.entries(envExample)
      .filter(([, value]) => value.trim() !== '')
      .flatMap(([name, value]) => {
        const field = schemaFields[name];
        if (field === undefined) return [`${name}: not in the schema`];
        const parsed = field.parse(value);
        return JSON.stringify(parsed) === JSON.stringify(schemaDefaults[name])
          ? []
          : [
              `${name}=${value} means ${JSON.stringify(parsed)}; the default is ${JSON.stringify(schemaDefaults[name])}`,
            ];
      });

    expect(disagreements).toEqual([]);
  });

  it('when it leaves a value blank, then the schema has no value of its own to show there', () => {
    const blankWithDefault = Object.entries(envExample)
      .filter(([, value]) => value.trim() === '')
      .map(([name]) => name)
      .filter((name) => !DERIVED_DEFAULTS.has(name) && !appliesNoValue(schemaDefaults[name]));

    expect(blankWithDefault).toEqual([]);
  });
});

describe('the variable table in docs/configuration.md', () => {
  const documented = documentedVariables();

  it('when it is read, then it lists exactly the variables of the schema, each once', () => {
    const names = documented.map(({ name }) => name);

    expect(duplicates(names)).toEqual([]);
    expect([...names].sort()).toEqual(schemaNames);
  });

  it('when it states a default value, then the schema reads that value as the default it applies', () => {
    const disagreements = documented
      .filter(({ name }) => !DERIVED_DEFAULTS.has(name))
      .flatMap(({ name, defaultCell }) => {
        const stated = statedValue(defaultCell);
        const field = schemaFields[name];
        if (stated === undefined || field === undefined) return [];
        const parsed: unknown = field.parse(stated);
        return JSON.stringify(parsed) === JSON.stringify(schemaDefaults[name])
          ? []
          : [
              `${name}: documented ${stated} means ${JSON.stringify(parsed)}; the default is ${JSON.stringify(schemaDefaults[name])}`,
            ];
      });

    expect(disagreements).toEqual([]);
  });

  it('when it states no value (unset, empty, generated), then the schema applies none either', () => {
    const undocumentedDefaults = documented
      .filter(
        ({ name, defaultCell }) =>
          statedValue(defaultCell) === undefined && !DERIVED_DEFAULTS.has(name),
      )
      .filter(({ name }) => !appliesNoValue(schemaDefaults[name]))
      .map(
        ({ name }) => `${name}: the schema's default is ${JSON.stringify(schemaDefaults[name])}`,
      );

    expect(undocumentedDefaults).toEqual([]);
  });

  it('when HOST is unset, then loadConfig listens on the address the table gives for each environment', () => {
    const hostCell = documented.find(({ name }) => name === 'HOST')?.defaultCell ?? '';
    const documentedDefault = statedValue(hostCell);
    const documentedProduction = /`([^`]+)` in production/.exec(hostCell)?.[1];

    const test = loadConfig({ NODE_ENV: 'test' }).config.http.host;
    const production = loadConfig(productionEnv()).config.http.host;

    expect(documentedDefault).toBe(test);
    expect(documentedProduction).toBe(production);
  });
});
