// The benchmark's one account, made and signed in through the API itself, as a client would.

const ACCOUNT = { email: 'bench@example.com', password: 'Steady-load-4821!xq', name: 'Bench User' };

/** The user as the API shows it (GET /api/auth/profile's data.user). */
export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: string;
}

export interface SignedIn {
  user: PublicUser;
  accessToken: string;
  refreshToken: string;
}

async function postJson(baseUrl: string, path: string, body: object): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  if (!response.ok)
    throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

export async function register(baseUrl: string): Promise<void> {
  await postJson(baseUrl, '/api/auth/register', ACCOUNT);
}

export async function login(baseUrl: string): Promise<SignedIn> {
  const answer = await postJson(baseUrl, '/api/auth/login', {
    email: ACCOUNT.email,
    password: ACCOUNT.password,
  });
  return (answer as { data: SignedIn }).data;
}

/** `count` sessions of the account (one login each), for scenarios that need one per connection. */
export function logins(baseUrl: string, count: number): Promise<SignedIn[]> {
  return Promise.all(Array.from({ length: count }, () => login(baseUrl)));
}

/** The body of POST /api/auth/login, for the login load. */
export const loginBody = JSON.stringify({ email: ACCOUNT.email, password: ACCOUNT.password });
