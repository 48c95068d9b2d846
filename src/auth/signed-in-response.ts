// How a finished sign-in reaches the client, the same from the password login and from its second step (mfa/): the
// account, the token pair as the transport carries it (the refresh token in its cookie in cookie mode), and the
// device token (also in its cookie in cookie mode).
import type { Response } from 'express';
import type { SignedIn } from './auth-service.js';
import type { DeviceCookie } from './device-cookie.js';
import { toPublicUser } from './public-user.js';
import type { RefreshTokenTransport } from './refresh-token-transport.js';
import type { TokenPair } from './token-pair.js';

export interface SignedInResponse {
  /** Answers 200 with the login body. */
  send(res: Response, signedIn: SignedIn): void;
  /** The pair as this transport delivers it: what goes in a JSON body (the cookie is set on `res`). */
  deliver(res: Response, tokens: TokenPair): Partial<TokenPair>;
}

export function createSignedInResponse(
  transport: RefreshTokenTransport,
  deviceCookie: DeviceCookie,
): SignedInResponse {
  return {
    send(res, { user, tokens, deviceToken }) {
      deviceCookie.write(res, deviceToken);
      res.json({
        success: true,
        data: { user: toPublicUser(user), ...transport.deliver(res, tokens), deviceToken },
      });
    },
    deliver: (res, tokens) => transport.deliver(res, tokens),
  };
}
