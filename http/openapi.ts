// The OpenAPI 3.1 document, generated from the zod schemas that validate requests (services/schemas.ts) and the ones
// the serialisers' answers are typed by (resources.ts).
import { z } from "zod";
import {
  connectionAnswer,
  connectionBody,
  connectionsQuery,
  jobBody,
  jobPatch,
  jobsQuery,
  loginBody,
  mediaPatch,
  mediaQuery,
  messageBody,
  messagesQuery,
  messagesReadBody,
  notificationsQuery,
  notificationsReadBody,
  postBody,
  postPatch,
  postsQuery,
  profilePatch,
  refreshBody,
  registerBody,
  searchQuery,
  suggestionsQuery,
  usersQuery,
} from "../services/schemas.ts";
import { type ResourceName, RESOURCES } from "./resources.ts";

type Schema = z.ZodType;

interface Operation {
  method: "get" | "post" | "put" | "delete";
  path: string;
  /** Unique across the document: client generators name their functions after it. */
  operationId: string;
  summary: string;
  auth: boolean;
  body?: Schema;
  query?: z.ZodObject;
  /** An image upload (http/uploads.ts): multipart/form-data, or the bytes as the body. */
  upload?: true;
  /** Creating POSTs that honour Idempotency-Key. */
  idempotent?: boolean;
  /** Status → the resource answered, or "" for no content. */
  responses: Record<number, ResourceName | "">;
}

const UPLOAD_BODY = {
  required: true,
  content: {
    "multipart/form-data": {
      schema: {
        type: "object",
        required: ["file"],
        properties: {
          file: { type: "string", contentMediaType: "application/octet-stream", description: "At most 10 MiB" },
          purpose: { type: "string", enum: ["avatar", "post"], description: "Or ?purpose=" },
        },
      },
    },
    "image/*": { schema: { type: "string", contentMediaType: "image/*", description: "With ?purpose=" } },
  },
};

const OPERATIONS: Operation[] = [
  {
    method: "post",
    path: "/api/auth/register",
    operationId: "register",
    summary: "Create an account and sign in",
    auth: false,
    body: registerBody,
    responses: { 201: "AuthResult", 409: "Problem", 422: "Problem", 429: "Problem" },
  },
  {
    method: "post",
    path: "/api/auth/login",
    operationId: "login",
    summary: "Sign in",
    auth: false,
    body: loginBody,
    responses: { 200: "AuthResult", 401: "Problem", 429: "Problem" },
  },
  {
    method: "post",
    path: "/api/auth/refresh-token",
    operationId: "refreshToken",
    summary: "Trade a refresh token for a new pair (rotation; reuse revokes the family)",
    auth: false,
    body: refreshBody,
    responses: { 200: "AuthResult", 401: "Problem" },
  },
  {
    method: "post",
    path: "/api/auth/logout",
    operationId: "logout",
    summary: "End the session",
    auth: true,
    body: refreshBody,
    responses: { 204: "", 401: "Problem" },
  },
  {
    method: "get",
    path: "/api/users",
    operationId: "listUsers",
    summary: "List members, newest first",
    auth: true,
    query: usersQuery,
    responses: { 200: "UserSummaryPage", 401: "Problem", 422: "Problem" },
  },
  {
    method: "get",
    path: "/api/users/me",
    operationId: "getMe",
    summary: "The caller",
    auth: true,
    responses: { 200: "Me", 401: "Problem" },
  },
  {
    method: "get",
    path: "/api/users/{id}",
    operationId: "getUser",
    summary: "A member's profile",
    auth: true,
    responses: { 200: "Profile", 401: "Problem", 404: "Problem" },
  },
  {
    method: "put",
    path: "/api/users/{id}",
    operationId: "updateUser",
    summary: "Edit a profile (the member or an admin)",
    auth: true,
    body: profilePatch,
    responses: { 200: "Profile", 401: "Problem", 403: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "delete",
    path: "/api/users/{id}",
    operationId: "deleteUser",
    summary: "Delete an account (the member or an admin)",
    auth: true,
    responses: { 204: "", 401: "Problem", 403: "Problem", 404: "Problem" },
  },
  {
    method: "get",
    path: "/api/posts",
    operationId: "listPosts",
    summary: "The home feed (default), everyone's posts (feed=all) or one member's (authorId), newest first",
    auth: true,
    query: postsQuery,
    responses: { 200: "PostPage", 401: "Problem", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/posts",
    operationId: "createPost",
    summary: "Publish a post",
    auth: true,
    body: postBody,
    idempotent: true,
    responses: { 201: "Post", 401: "Problem", 409: "Problem", 422: "Problem" },
  },
  {
    method: "get",
    path: "/api/posts/{id}",
    operationId: "getPost",
    summary: "A post",
    auth: true,
    responses: { 200: "Post", 401: "Problem", 404: "Problem" },
  },
  {
    method: "put",
    path: "/api/posts/{id}",
    operationId: "updatePost",
    summary: "Edit a post (its author)",
    auth: true,
    body: postPatch,
    responses: { 200: "Post", 401: "Problem", 403: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "delete",
    path: "/api/posts/{id}",
    operationId: "deletePost",
    summary: "Delete a post (its author or an admin)",
    auth: true,
    responses: { 204: "", 401: "Problem", 403: "Problem", 404: "Problem" },
  },
  {
    method: "post",
    path: "/api/media",
    operationId: "uploadMedia",
    summary: "Upload an image (avatar or post): re-encoded, resized, every metadata block stripped",
    auth: true,
    query: mediaQuery,
    upload: true,
    responses: { 201: "Media", 401: "Problem", 415: "Problem", 422: "Problem", 429: "Problem" },
  },
  {
    method: "get",
    path: "/api/media/{id}",
    operationId: "getMedia",
    summary: "One of the caller's uploads",
    auth: true,
    responses: { 200: "Media", 401: "Problem", 403: "Problem", 404: "Problem" },
  },
  {
    method: "put",
    path: "/api/media/{id}",
    operationId: "updateMedia",
    summary: "Set an upload's alt text (its owner)",
    auth: true,
    body: mediaPatch,
    responses: { 200: "Media", 401: "Problem", 403: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "delete",
    path: "/api/media/{id}",
    operationId: "deleteMedia",
    summary: "Delete an upload and its files (its owner)",
    auth: true,
    responses: { 204: "", 401: "Problem", 403: "Problem", 404: "Problem" },
  },
  {
    method: "get",
    path: "/api/connections",
    operationId: "listConnections",
    summary: "The caller's connections or invitations, newest first",
    auth: true,
    query: connectionsQuery,
    responses: { 200: "ConnectionPage", 401: "Problem", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/connections",
    operationId: "inviteMember",
    summary: "Invite a member to connect (at most 100 invitations pending from the last 7 days)",
    auth: true,
    body: connectionBody,
    idempotent: true,
    responses: { 201: "Connection", 401: "Problem", 404: "Problem", 409: "Problem", 422: "Problem", 429: "Problem" },
  },
  {
    method: "get",
    path: "/api/connections/suggestions",
    operationId: "listSuggestions",
    summary: "People you may know, each with the reason",
    auth: true,
    query: suggestionsQuery,
    responses: { 200: "SuggestionList", 401: "Problem", 422: "Problem" },
  },
  {
    method: "put",
    path: "/api/connections/{id}",
    operationId: "answerInvitation",
    summary: "Accept or ignore an invitation (its receiver)",
    auth: true,
    body: connectionAnswer,
    responses: { 200: "Connection", 401: "Problem", 403: "Problem", 404: "Problem", 409: "Problem", 422: "Problem" },
  },
  {
    method: "delete",
    path: "/api/connections/{id}",
    operationId: "deleteConnection",
    summary: "Withdraw an invitation or remove a connection (either member)",
    auth: true,
    responses: { 204: "", 401: "Problem", 404: "Problem" },
  },
  {
    method: "get",
    path: "/api/notifications",
    operationId: "listNotifications",
    summary: "The caller's notifications, newest first, with the unread count",
    auth: true,
    query: notificationsQuery,
    responses: { 200: "NotificationPage", 401: "Problem", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/notifications/read",
    operationId: "markNotificationsRead",
    summary: "Mark notifications read (the listed ones, or all)",
    auth: true,
    body: notificationsReadBody,
    responses: { 204: "", 401: "Problem", 422: "Problem" },
  },
  {
    method: "get",
    path: "/api/messages",
    operationId: "listMessages",
    summary: "Without `with`: the caller's conversations, newest first. With `with`: that thread, newest first",
    auth: true,
    query: messagesQuery,
    responses: { 200: "ConversationListOrMessagePage", 401: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/messages",
    operationId: "sendMessage",
    summary: "Send a message to a connection (a clientId used before returns the first message with 200)",
    auth: true,
    body: messageBody,
    idempotent: true,
    responses: { 200: "Message", 201: "Message", 401: "Problem", 403: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "get",
    path: "/api/messages/{id}",
    operationId: "getMessage",
    summary: "One message (its sender or receiver)",
    auth: true,
    responses: { 200: "Message", 401: "Problem", 404: "Problem" },
  },
  {
    method: "post",
    path: "/api/messages/read",
    operationId: "markMessagesRead",
    summary: "Mark what a member sent the caller read",
    auth: true,
    body: messagesReadBody,
    responses: { 204: "", 401: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/ws/ticket",
    operationId: "createWsTicket",
    summary: "A single-use ticket (30 s) to open GET /api/ws?ticket=... without cookies",
    auth: true,
    responses: { 201: "Ticket", 401: "Problem" },
  },
  {
    method: "get",
    path: "/api/jobs",
    operationId: "listJobs",
    summary: "Jobs, newest first, filtered (public)",
    auth: false,
    query: jobsQuery,
    responses: { 200: "JobPage", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/jobs",
    operationId: "createJob",
    summary: "Post a job (recruiters and admins)",
    auth: true,
    body: jobBody,
    idempotent: true,
    responses: { 201: "Job", 401: "Problem", 403: "Problem", 422: "Problem" },
  },
  {
    method: "get",
    path: "/api/jobs/{id}",
    operationId: "getJob",
    summary: "A job (public)",
    auth: false,
    responses: { 200: "Job", 404: "Problem" },
  },
  {
    method: "put",
    path: "/api/jobs/{id}",
    operationId: "updateJob",
    summary: "Edit a job (its poster or an admin)",
    auth: true,
    body: jobPatch,
    responses: { 200: "Job", 401: "Problem", 403: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "delete",
    path: "/api/jobs/{id}",
    operationId: "deleteJob",
    summary: "Delete a job (its poster or an admin)",
    auth: true,
    responses: { 204: "", 401: "Problem", 403: "Problem", 404: "Problem" },
  },
  {
    method: "get",
    path: "/api/search",
    operationId: "search",
    summary: "Search people or posts (members) or jobs (anyone), best matches first",
    auth: false,
    query: searchQuery,
    responses: { 200: "SearchPage", 401: "Problem", 422: "Problem", 503: "Problem" },
  },
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: "string" };
const SAFE_INTEGER = { minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };

/** components/schemas from the resources' zod schemas, each nested resource as a $ref to its own entry. */
function components(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(RESOURCES)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: "output",
    uri: (id) => `#/components/schemas/${id}`,
    // What a client needs from a timestamp is its format; zod's pattern for it only restates ISO 8601 at length.
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === "date-time") delete jsonSchema.pattern;
      if (jsonSchema.minimum === SAFE_INTEGER.minimum) delete jsonSchema.minimum;
      if (jsonSchema.maximum === SAFE_INTEGER.maximum) delete jsonSchema.maximum;
    },
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _, $id: __, ...rest }]) => [id, rest]));
}

function jsonSchema(schema: Schema) {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

let paths: Record<string, Record<string, unknown>> | undefined;
let schemas: Record<string, unknown> | undefined;

/** The document for clients of `origin` (the public origin, or the one the request came to), its one server. */
export function openApiDocument(origin: string): Record<string, unknown> {
  paths ??= operations();
  schemas ??= components();
  return {
    openapi: "3.1.0",
    info: { title: "Prok API", version: "1" },
    servers: [{ url: origin }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        cookie: { type: "apiKey", in: "cookie", name: "prok_at" },
      },
      schemas,
    },
  };
}

function operations(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters = [
      ...(op.path.includes("{id}") ? [{ name: "id", in: "path", required: true, schema: str }] : []),
      ...Object.entries(op.query ? (jsonSchema(op.query).properties as Record<string, unknown>) : {}).map((
        [name, schema],
      ) => ({ name, in: "query", required: false, schema })),
      ...(op.idempotent
        ? [{
          name: "Idempotency-Key",
          in: "header",
          required: false,
          schema: { type: "string", minLength: 1, maxLength: 64 },
          description: "Replays the first answer for the same key and body within 24 h; " +
            "while the first request still runs, 409 with retry-after",
        }]
        : []),
    ];
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      security: op.auth ? [{ bearer: [] }, { cookie: [] }] : [],
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? {
          requestBody: {
            // No body reads as `{}` (readJson), so a body whose every field is optional may be left out.
            required: !op.body.safeParse({}).success,
            content: { "application/json": { schema: jsonSchema(op.body) } },
          },
        }
        : {}),
      ...(op.upload ? { requestBody: UPLOAD_BODY } : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, schema]) => [
          status,
          schema
            ? {
              description: schema,
              content: {
                [schema === "Problem" ? "application/problem+json" : "application/json"]: { schema: ref(schema) },
              },
            }
            : { description: "No content" },
        ]),
      ),
    };
  }
  return paths;
}
