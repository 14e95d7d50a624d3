// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests.
import { z } from "zod";
import {
  connectionAnswer,
  connectionBody,
  connectionsQuery,
  jobBody,
  jobPatch,
  jobsQuery,
  loginBody,
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

type Schema = z.ZodType;

interface Operation {
  method: "get" | "post" | "put" | "delete";
  path: string;
  summary: string;
  auth: boolean;
  body?: Schema;
  query?: z.ZodObject;
  /** Creating POSTs that honour Idempotency-Key. */
  idempotent?: boolean;
  responses: Record<string, string>;
}

const OPERATIONS: Operation[] = [
  {
    method: "post",
    path: "/api/auth/register",
    summary: "Create an account and sign in",
    auth: false,
    body: registerBody,
    responses: { 201: "AuthResult", 409: "Problem", 422: "Problem", 429: "Problem" },
  },
  {
    method: "post",
    path: "/api/auth/login",
    summary: "Sign in",
    auth: false,
    body: loginBody,
    responses: { 200: "AuthResult", 401: "Problem", 429: "Problem" },
  },
  {
    method: "post",
    path: "/api/auth/refresh-token",
    summary: "Trade a refresh token for a new pair (rotation; reuse revokes the family)",
    auth: false,
    body: refreshBody,
    responses: { 200: "AuthResult", 401: "Problem" },
  },
  {
    method: "post",
    path: "/api/auth/logout",
    summary: "End the session",
    auth: true,
    body: refreshBody,
    responses: { 204: "", 401: "Problem" },
  },
  {
    method: "get",
    path: "/api/users",
    summary: "List members, newest first",
    auth: true,
    query: usersQuery,
    responses: { 200: "UserSummaryPage", 401: "Problem", 422: "Problem" },
  },
  { method: "get", path: "/api/users/me", summary: "The caller", auth: true, responses: { 200: "Me", 401: "Problem" } },
  {
    method: "get",
    path: "/api/users/{id}",
    summary: "A member's profile",
    auth: true,
    responses: { 200: "User", 401: "Problem", 404: "Problem" },
  },
  {
    method: "put",
    path: "/api/users/{id}",
    summary: "Edit a profile (the member or an admin)",
    auth: true,
    body: profilePatch,
    responses: { 200: "Me", 401: "Problem", 403: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "delete",
    path: "/api/users/{id}",
    summary: "Delete an account (the member or an admin)",
    auth: true,
    responses: { 204: "", 401: "Problem", 403: "Problem", 404: "Problem" },
  },
  {
    method: "get",
    path: "/api/posts",
    summary: "The home feed (default), everyone's posts (feed=all) or one member's (authorId), newest first",
    auth: true,
    query: postsQuery,
    responses: { 200: "PostPage", 401: "Problem", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/posts",
    summary: "Publish a post",
    auth: true,
    body: postBody,
    idempotent: true,
    responses: { 201: "Post", 401: "Problem", 409: "Problem", 422: "Problem" },
  },
  {
    method: "get",
    path: "/api/posts/{id}",
    summary: "A post",
    auth: true,
    responses: { 200: "Post", 401: "Problem", 404: "Problem" },
  },
  {
    method: "put",
    path: "/api/posts/{id}",
    summary: "Edit a post (its author)",
    auth: true,
    body: postPatch,
    responses: { 200: "Post", 401: "Problem", 403: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "delete",
    path: "/api/posts/{id}",
    summary: "Delete a post (its author or an admin)",
    auth: true,
    responses: { 204: "", 401: "Problem", 403: "Problem", 404: "Problem" },
  },
  {
    method: "get",
    path: "/api/connections",
    summary: "The caller's connections or invitations, newest first",
    auth: true,
    query: connectionsQuery,
    responses: { 200: "ConnectionPage", 401: "Problem", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/connections",
    summary: "Invite a member to connect (at most 100 invitations pending from the last 7 days)",
    auth: true,
    body: connectionBody,
    idempotent: true,
    responses: { 201: "Connection", 401: "Problem", 404: "Problem", 409: "Problem", 422: "Problem", 429: "Problem" },
  },
  {
    method: "get",
    path: "/api/connections/suggestions",
    summary: "People you may know, each with the reason",
    auth: true,
    query: suggestionsQuery,
    responses: { 200: "SuggestionList", 401: "Problem", 422: "Problem" },
  },
  {
    method: "put",
    path: "/api/connections/{id}",
    summary: "Accept or ignore an invitation (its receiver)",
    auth: true,
    body: connectionAnswer,
    responses: { 200: "Connection", 401: "Problem", 403: "Problem", 404: "Problem", 409: "Problem", 422: "Problem" },
  },
  {
    method: "delete",
    path: "/api/connections/{id}",
    summary: "Withdraw an invitation or remove a connection (either member)",
    auth: true,
    responses: { 204: "", 401: "Problem", 404: "Problem" },
  },
  {
    method: "get",
    path: "/api/notifications",
    summary: "The caller's notifications, newest first, with the unread count",
    auth: true,
    query: notificationsQuery,
    responses: { 200: "NotificationPage", 401: "Problem", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/notifications/read",
    summary: "Mark notifications read (the listed ones, or all)",
    auth: true,
    body: notificationsReadBody,
    responses: { 204: "", 401: "Problem", 422: "Problem" },
  },
  {
    method: "get",
    path: "/api/messages",
    summary: "Without `with`: the caller's conversations, newest first. With `with`: that thread, newest first",
    auth: true,
    query: messagesQuery,
    responses: { 200: "ConversationListOrMessagePage", 401: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/messages",
    summary: "Send a message to a connection (a clientId used before returns the first message with 200)",
    auth: true,
    body: messageBody,
    idempotent: true,
    responses: { 200: "Message", 201: "Message", 401: "Problem", 403: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "get",
    path: "/api/messages/{id}",
    summary: "One message (its sender or receiver)",
    auth: true,
    responses: { 200: "Message", 401: "Problem", 404: "Problem" },
  },
  {
    method: "post",
    path: "/api/messages/read",
    summary: "Mark what a member sent the caller read",
    auth: true,
    body: messagesReadBody,
    responses: { 204: "", 401: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/ws/ticket",
    summary: "A single-use ticket (30 s) to open GET /api/ws?ticket=... without cookies",
    auth: true,
    responses: { 201: "Ticket", 401: "Problem" },
  },
  {
    method: "get",
    path: "/api/jobs",
    summary: "Jobs, newest first, filtered (public)",
    auth: false,
    query: jobsQuery,
    responses: { 200: "JobPage", 422: "Problem" },
  },
  {
    method: "post",
    path: "/api/jobs",
    summary: "Post a job (recruiters and admins)",
    auth: true,
    body: jobBody,
    idempotent: true,
    responses: { 201: "Job", 401: "Problem", 403: "Problem", 422: "Problem" },
  },
  {
    method: "get",
    path: "/api/jobs/{id}",
    summary: "A job (public)",
    auth: false,
    responses: { 200: "Job", 404: "Problem" },
  },
  {
    method: "put",
    path: "/api/jobs/{id}",
    summary: "Edit a job (its poster or an admin)",
    auth: true,
    body: jobPatch,
    responses: { 200: "Job", 401: "Problem", 403: "Problem", 404: "Problem", 422: "Problem" },
  },
  {
    method: "delete",
    path: "/api/jobs/{id}",
    summary: "Delete a job (its poster or an admin)",
    auth: true,
    responses: { 204: "", 401: "Problem", 403: "Problem", 404: "Problem" },
  },
  {
    method: "get",
    path: "/api/search",
    summary: "Search people or posts (members) or jobs (anyone), best matches first",
    auth: false,
    query: searchQuery,
    responses: { 200: "SearchPage", 401: "Problem", 422: "Problem", 503: "Problem" },
  },
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: "string" };
const nullableStr = { type: ["string", "null"] };
const dateTime = { type: "string", format: "date-time" };

const userSummary = {
  type: "object",
  required: ["id", "firstName", "lastName", "headline", "profilePictureUrl"],
  properties: { id: str, firstName: str, lastName: str, headline: str, profilePictureUrl: nullableStr },
};
const user = {
  type: "object",
  required: [...userSummary.required, "bio", "location", "role", "createdAt", "connection"],
  properties: {
    ...userSummary.properties,
    bio: str,
    location: str,
    role: { enum: ["member", "recruiter", "admin"] },
    createdAt: dateTime,
    connection: {
      type: ["object", "null"],
      required: ["id", "status", "direction"],
      properties: { id: str, status: { enum: ["pending", "accepted"] }, direction: { enum: ["incoming", "outgoing"] } },
    },
    degree: { enum: [1, 2, 3, null], description: "1st, 2nd or 3rd+ degree; null for the caller" },
  },
};
const page = (item: string) => ({
  type: "object",
  required: ["items", "nextCursor"],
  properties: { items: { type: "array", items: ref(item) }, nextCursor: nullableStr },
});

function jsonSchema(schema: Schema) {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

let cached: unknown;

export function openApiDocument(): unknown {
  if (cached) return cached;
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
          description: "Replays the first answer for the same key and body within 24 h",
        }]
        : []),
    ];
    (paths[op.path] ??= {})[op.method] = {
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
  return cached = {
    openapi: "3.1.0",
    info: { title: "Prok API", version: "1" },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        cookie: { type: "apiKey", in: "cookie", name: "prok_at" },
      },
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status"],
          properties: {
            type: str,
            title: str,
            status: { type: "integer" },
            detail: str,
            errors: {
              type: "array",
              items: { type: "object", properties: { path: str, message: str }, required: ["path", "message"] },
            },
          },
        },
        UserSummary: userSummary,
        User: user,
        Me: { ...user, required: [...user.required, "email"], properties: { ...user.properties, email: str } },
        UserSummaryPage: page("UserSummary"),
        Post: {
          type: "object",
          required: ["id", "author", "content", "mediaUrl", "createdAt", "updatedAt"],
          properties: {
            id: str,
            author: ref("UserSummary"),
            content: str,
            mediaUrl: nullableStr,
            createdAt: dateTime,
            updatedAt: dateTime,
          },
        },
        PostPage: page("Post"),
        Connection: {
          type: "object",
          required: ["id", "sender", "receiver", "status", "message", "createdAt", "updatedAt"],
          properties: {
            id: str,
            sender: ref("UserSummary"),
            receiver: ref("UserSummary"),
            status: { enum: ["pending", "accepted", "rejected"] },
            message: str,
            createdAt: dateTime,
            updatedAt: dateTime,
          },
        },
        ConnectionPage: page("Connection"),
        Message: {
          type: "object",
          required: ["id", "senderId", "receiverId", "content", "isRead", "createdAt", "clientId"],
          properties: {
            id: str,
            senderId: str,
            receiverId: str,
            content: str,
            isRead: { type: "boolean" },
            createdAt: dateTime,
            clientId: nullableStr,
          },
        },
        ConversationListOrMessagePage: {
          oneOf: [
            {
              type: "object",
              required: ["items"],
              properties: {
                items: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["user", "lastMessage", "unreadCount"],
                    properties: {
                      user: ref("UserSummary"),
                      lastMessage: ref("Message"),
                      unreadCount: { type: "integer" },
                    },
                  },
                },
              },
            },
            page("Message"),
          ],
        },
        Job: {
          type: "object",
          required: [
            "id",
            "company",
            "title",
            "description",
            "location",
            "salaryRange",
            "jobType",
            "createdAt",
            "updatedAt",
          ],
          properties: {
            id: str,
            company: ref("UserSummary"),
            title: str,
            description: str,
            location: str,
            salaryRange: nullableStr,
            jobType: { enum: ["full-time", "part-time", "contract", "internship"] },
            createdAt: dateTime,
            updatedAt: dateTime,
          },
        },
        JobPage: page("Job"),
        SearchPage: {
          type: "object",
          required: ["items", "nextCursor"],
          properties: {
            items: {
              type: "array",
              items: {
                oneOf: [
                  {
                    type: "object",
                    required: ["type", "user"],
                    properties: { type: { const: "people" }, user: ref("UserSummary") },
                  },
                  {
                    type: "object",
                    required: ["type", "post"],
                    properties: { type: { const: "posts" }, post: ref("Post") },
                  },
                  {
                    type: "object",
                    required: ["type", "job"],
                    properties: { type: { const: "jobs" }, job: ref("Job") },
                  },
                ],
              },
            },
            nextCursor: nullableStr,
          },
        },
        Ticket: {
          type: "object",
          required: ["ticket", "expiresIn"],
          properties: { ticket: str, expiresIn: { type: "integer", description: "Seconds" } },
        },
        SuggestionList: {
          type: "object",
          required: ["items"],
          properties: {
            items: {
              type: "array",
              items: {
                type: "object",
                required: ["user", "reason", "mutualCount"],
                properties: { user: ref("UserSummary"), reason: str, mutualCount: { type: "integer" } },
              },
            },
          },
        },
        NotificationPage: {
          type: "object",
          required: ["items", "nextCursor", "unreadCount"],
          properties: {
            items: {
              type: "array",
              items: {
                type: "object",
                required: ["id", "type", "actor", "subjectId", "read", "createdAt"],
                properties: {
                  id: str,
                  type: { enum: ["invitation:received", "invitation:accepted", "message:received"] },
                  actor: ref("UserSummary"),
                  subjectId: str,
                  read: { type: "boolean" },
                  createdAt: dateTime,
                },
              },
            },
            nextCursor: nullableStr,
            unreadCount: { type: "integer", description: "Counted up to 100" },
          },
        },
        AuthResult: {
          type: "object",
          required: ["user", "accessToken", "refreshToken", "expiresIn"],
          properties: { user: ref("Me"), accessToken: str, refreshToken: str, expiresIn: { type: "integer" } },
        },
      },
    },
  };
}
