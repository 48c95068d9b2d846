// The benchmark's one account, made and signed in through the API itself, as a client would.

const ACCOUNT = { email: 'bench@example.com', password: 'Steady-load-4821!xq', name: 'Bench User' };

/** Who signs in: the bench's one account unless a scenario picks others (bench:scale's seeded accounts). */
export interface Credentials {
  email: string;
  password: string;
}

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

export async function login(
  baseUrl: string,
  { email, password }: Credentials = ACCOUNT,
): Promise<SignedIn> {
  const answer = await postJson(baseUrl, '/api/auth/login', { email, password });
  return (answer as { data: SignedIn }).data;
}

/** `count` sessions (one login each) of the account, or of the accounts `pick` names, one per connection. */
export function logins(
  baseUrl: string,
  count: number,
  pick: () => Credentials = () => ACCOUNT,
): Promise<SignedIn[]> {
  return Promise.all(Array.from({ length: count }, () => login(baseUrl, pick())));
}

/** The body of POST /api/auth/login as `account` (the bench's own by default), for the login load. */
export const loginBodyOf = ({ email, password }: Credentials) =>
  JSON.stringify({ email, password });
export const loginBody = loginBodyOf(ACCOUNT);
