// Who is calling, as services need it for sessions and audit events; built from the request by the controller.

export interface ClientContext {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}
