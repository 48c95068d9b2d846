// Tests that need something from outside node_modules (a Redis, a browser, promtool, nginx, openssl, a MongoDB) find
// it the same way: the suite runs when it is there; otherwise one line says why and every case is listed as skipped,
// or, where REQUIRE_<X>=1 says it must be there (.ci/run sets each), one failing case takes the suite's place.
import { describe, expect, it } from 'vitest';

interface Service {
  /** As the failure names it: "a Redis", "openssl". */
  name: string;
  /** The variable that, set to 1, turns a missing service from a skip into a failure. */
  requiredBy: `REQUIRE_${string}`;
}

type Missing = Service & { found: false; reason: string };

export type ServiceSearch<T> = (Service & { found: true; service: T }) | Missing;

export function serviceFound<T>(of: Service, service: T): ServiceSearch<T> {
  return { name: of.name, requiredBy: of.requiredBy, found: true, service };
}

export function serviceMissing<T = never>(of: Service, reason: string): ServiceSearch<T> {
  return { name: of.name, requiredBy: of.requiredBy, found: false, reason };
}

/** Found when both are; else the missing one, a required one first, so REQUIRE_<X>=1 still fails the suite. */
export function bothServices<A, B>(
  a: ServiceSearch<A>,
  b: ServiceSearch<B>,
): ServiceSearch<[A, B]> {
  if (a.found && b.found) return serviceFound(a, [a.service, b.service]);
  const missing = [a, b].filter((search): search is Missing => !search.found);
  const decisive = missing.find(isRequired) ?? missing[0];
  if (decisive === undefined) throw new Error('unreachable: one of the two is missing');
  return serviceMissing(decisive, decisive.reason);
}

const isRequired = (search: Service) => process.env[search.requiredBy] === '1';

/**
 * Describes `title` with the service `search` found. `body` gets the service through a function, as the cases it
 * registers are listed (as skipped) even when there is none: call it inside cases and hooks, not while describing.
 */
export function describeWithService<T>(
  title: string,
  search: ServiceSearch<T>,
  body: (service: () => T) => void,
): void {
  if (search.found) {
    describe(title, () => {
      body(() => search.service);
    });
    return;
  }
  const { name, requiredBy, reason } = search;
  if (isRequired(search)) {
    describe(title, () => {
      it(`when ${requiredBy}=1, then ${name} must be available`, () => {
        expect.fail(`${requiredBy}=1 asks for ${name}, but ${reason}`);
      });
    });
    return;
  }
  console.warn(`${title} NOT run: ${reason}.`);
  describe.skip(`${title} (not run: ${reason})`, () => {
    body(() => {
      throw new Error(`${name} was not found: ${reason}`);
    });
  });
}
