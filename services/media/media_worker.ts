// Runs the image pipeline off the main thread: a 12 MP photo is about a second of pure CPU.
import { serveJobs } from "../worker_pool.ts";
import { type MediaPurpose, processImage } from "./pipeline.ts";

serveJobs((job: { bytes: Uint8Array; purpose: MediaPurpose }) => processImage(job.bytes, job.purpose));
