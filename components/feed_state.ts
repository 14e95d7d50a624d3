// State the feed's islands share. Signals in a module, not context: Preact context does not cross island
// boundaries, and every island on a page imports this one module.
import { signal } from "@preact/signals";
import type { CardPost } from "./PostCard.tsx";

/**
 * The posts this page wrote since it loaded, newest first; they show above the server-rendered feed. Only the
 * browser writes it (the server renders every page with it empty).
 */
export const createdPosts = signal<CardPost[]>([]);
