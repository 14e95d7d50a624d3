// Runs bcrypt off the main thread: hashing at cost 10 takes tens of milliseconds of pure CPU.
import { serveJobs } from "./worker_pool.ts";
import { runPasswordTask } from "./password_task.ts";

serveJobs(runPasswordTask);
