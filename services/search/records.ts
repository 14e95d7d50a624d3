// What each kind of record gives the search index: one function per record type, so the worker and the reindex task
// index exactly the same text.
import type { Job, Post, User } from "../store/model.ts";
import type { SearchRecord } from "./types.ts";

export function personRecord(user: User): SearchRecord {
  return {
    type: "people",
    id: user.id,
    fields: { name: `${user.firstName} ${user.lastName}`, headline: user.headline, location: user.location },
    createdAt: user.createdAt,
  };
}

export function postRecord(post: Post): SearchRecord {
  return { type: "posts", id: post.id, fields: { content: post.content }, createdAt: post.createdAt };
}

export function jobRecord(job: Job): SearchRecord {
  return {
    type: "jobs",
    id: job.id,
    fields: { title: job.title, description: job.description, location: job.location, jobType: job.jobType },
    createdAt: job.createdAt,
  };
}
