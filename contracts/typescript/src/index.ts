// The Cms API v1 for regional front-ends: types generated from contracts/cms-v1.openapi.json by openapi-typescript,
// calls through openapi-fetch. Every path, body and answer is typed; problems come back as `error`.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./cms-v1.js";

export type { components, paths };
export type Schemas = components["schemas"];
export type CmsClient = Client<paths>;

/** An RFC 9457 problem as the API answers it: `type` is `urn:cms:problem:<rule>` (see docs/problems.md). */
export type Problem = Schemas["Problem"] & { rule?: string; errors?: Record<string, string[]>; [key: string]: unknown };

/** A client for one Cms instance; `token` (from POST /api/v1/auth/token) is sent as a bearer token when given. */
export function createCmsClient(baseUrl: string, token?: () => string | undefined): CmsClient {
  const client = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      const value = token?.();
      if (value) request.headers.set("Authorization", `Bearer ${value}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}

/** Signs an operator in and returns a client that carries the token. */
export async function signIn(baseUrl: string, codiceFiscale: string, password: string): Promise<{ client: CmsClient; operator: unknown }> {
  let token: string | undefined;
  const client = createCmsClient(baseUrl, () => token);
  const { data, error } = await client.POST("/api/v1/auth/token", { body: { codiceFiscale, password } });
  if (error || !data) throw new Error(`sign-in refused: ${JSON.stringify(error)}`);
  token = data.accessToken;
  return { client, operator: data.operator };
}
