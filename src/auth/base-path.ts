// Where the auth feature's operations live, written once: the operation tables and the refresh cookie's Path use it.

export const AUTH_BASE_PATH = '/api/auth';
