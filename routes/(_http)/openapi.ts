// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests.
import { z } from "zod";
import {
  loginBody,
  postBody,
  postPatch,
  postsQuery,
  profilePatch,
  refreshBody,
  registerBody,
  usersQuery,
} from "./schemas.ts";

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
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: "string" };
const nullableStr = { type: ["string", "null"] };

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
    createdAt: { type: "string", format: "date-time" },
    connection: { type: ["object", "null"] },
  },
};

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
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body) } } } }
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
        UserSummaryPage: {
          type: "object",
          required: ["items", "nextCursor"],
          properties: { items: { type: "array", items: ref("UserSummary") }, nextCursor: nullableStr },
        },
        Post: {
          type: "object",
          required: ["id", "author", "content", "mediaUrl", "createdAt", "updatedAt"],
          properties: {
            id: str,
            author: ref("UserSummary"),
            content: str,
            mediaUrl: nullableStr,
            createdAt: { type: "string", format: "date-time" },
            updatedAt: { type: "string", format: "date-time" },
          },
        },
        PostPage: {
          type: "object",
          required: ["items", "nextCursor"],
          properties: { items: { type: "array", items: ref("Post") }, nextCursor: nullableStr },
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
