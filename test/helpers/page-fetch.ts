// A browser page calling the API from its own script, as an app would: fetch with credentials: 'include', so the
// browser's cookies go along and its CORS rules apply.
import type { Page } from 'playwright-core';

export type PageResult = { status: number; body: Record<string, unknown> } | { rejected: string };

export interface PageRequest {
  method: string;
  headers?: object;
  body?: string;
}

/** fetch from the page's own script, with the browser's cookies; a request the browser refuses is `rejected`. */
export function pageFetch(page: Page, url: string, init: PageRequest) {
  return page.evaluate(
    async ({ url, init }): Promise<PageResult> => {
      try {
        const response = await fetch(url, { ...init, credentials: 'include' } as RequestInit);
        return {
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        };
      } catch (error) {
        return { rejected: error instanceof TypeError ? 'TypeError' : String(error) };
      }
    },
    { url, init },
  );
}

/** A JSON POST as the app's script sends it (X-Requested-With: the CSRF check of cookie mode wants it). */
export const jsonPost = (body: object): PageRequest => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
  body: JSON.stringify(body),
});

export const accessTokenOf = (result: PageResult) =>
  'body' in result ? (result.body.data as { accessToken?: string }).accessToken : undefined;
