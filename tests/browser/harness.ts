// Browser test harness: finds a local Chromium, drives it with playwright-core, serves a handler on loopback and
// records everything a page complains about (console errors, uncaught errors, CSP violations, dialogs).
//
//   browserTest("[browser] something", async (kit) => {
//     const { url } = await kit.serve(handler);
//     const { page, issues } = await kit.newPage();
//     await page.goto(url + "/");
//     issues.assertNone();
//   });
//
// Without Chromium the test is skipped with a loud warning, or fails when `CI` is "true" or "1".
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { type Served, type ServeHandler, serveHandler } from "../serve.ts";

/** Where Chromium is looked for when `PROK_CHROMIUM` is not set. */
export const CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Default timeout for every Playwright action and wait, so a broken page fails fast instead of after 30 s. */
export const ACTION_TIMEOUT_MS = 10_000;

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * The Chromium executable to use: `PROK_CHROMIUM` if set (and only that, so a wrong value is noticed),
 * else the first of {@link CHROMIUM_CANDIDATES} that exists. `null` when there is none.
 */
export function findChromium(): string | null {
  const fromEnv = Deno.env.get("PROK_CHROMIUM");
  if (fromEnv) return isFile(fromEnv) ? fromEnv : null;
  return CHROMIUM_CANDIDATES.find(isFile) ?? null;
}

function searchedPaths(): string[] {
  const fromEnv = Deno.env.get("PROK_CHROMIUM");
  return fromEnv ? [`${fromEnv} (PROK_CHROMIUM)`] : CHROMIUM_CANDIDATES;
}

function isCi(): boolean {
  const ci = Deno.env.get("CI")?.toLowerCase();
  return ci === "true" || ci === "1";
}

export const MISSING_CHROMIUM_MESSAGE =
  "Chromium not found; install it with apt-get install -y chromium (or set PROK_CHROMIUM=/path/to/chromium)";

let warned = false;
function warnSkippedOnce(): void {
  if (warned) return;
  warned = true;
  const lines = [
    "BROWSER TESTS SKIPPED: no Chromium found at",
    ...searchedPaths().map((p) => `  ${p}`),
    "Install it with: apt-get install -y chromium",
    "or point PROK_CHROMIUM at a Chromium/Chrome binary.",
    "(With CI=true these tests fail instead of being skipped.)",
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = "!".repeat(width + 6);
  const box = [bar, ...lines.map((l) => `!! ${l.padEnd(width)} !!`), bar].join("\n");
  console.error(`\n${box}\n`);
}

/** What went wrong on a page, collected while it runs. */
export interface PageIssues {
  /** `console.error` messages (includes failed resource loads and CSP reports Chromium logs; not /favicon.ico). */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections. */
  pageErrors: string[];
  /** `securitypolicyviolation` events, as "directive blocked-uri (source:line)". */
  cspViolations: string[];
  /** alert/confirm/prompt/beforeunload dialogs (each is dismissed). */
  dialogs: string[];
  /** Every issue above, one line each, prefixed with its kind. */
  all(): string[];
  /** Throws listing every issue if there is any. */
  assertNone(): void;
}

const CSP_BINDING = "__prokReportCsp";

function isFaviconUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return new URL(url).pathname === "/favicon.ico";
  } catch {
    return false;
  }
}

/**
 * Starts recording the issues of `page`. Call before the first navigation so CSP violations during load are seen.
 * The CSP listener is installed by Playwright's init script (which bypasses the page CSP), so it only runs in
 * contexts with JavaScript enabled; CSP messages Chromium logs to the console are caught as console errors anyway.
 */
export async function watchPage(page: Page): Promise<PageIssues> {
  const issues: PageIssues = {
    consoleErrors: [],
    pageErrors: [],
    cspViolations: [],
    dialogs: [],
    all() {
      return [
        ...this.consoleErrors.map((m) => `console error: ${m}`),
        ...this.pageErrors.map((m) => `page error: ${m}`),
        ...this.cspViolations.map((m) => `CSP violation: ${m}`),
        ...this.dialogs.map((m) => `dialog: ${m}`),
      ];
    },
    assertNone() {
      const all = this.all();
      if (all.length) throw new Error(`The page reported ${all.length} issue(s):\n  ${all.join("\n  ")}`);
    },
  };
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const loc = msg.location();
    // Chromium asks for /favicon.ico on its own; a missing one is not the page's fault.
    if (isFaviconUrl(loc.url)) return;
    issues.consoleErrors.push(loc.url ? `${msg.text()} (${loc.url}:${loc.lineNumber})` : msg.text());
  });
  page.on("pageerror", (err) => issues.pageErrors.push(err.stack ?? err.message));
  page.on("dialog", (dialog) => {
    issues.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  await page.exposeBinding(CSP_BINDING, (_source, violation: string) => {
    issues.cspViolations.push(violation);
  });
  await page.addInitScript((binding: string) => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (globalThis as unknown as Record<string, (v: string) => void>)[binding];
      report?.(`${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"} (${e.sourceFile}:${e.lineNumber})`);
    });
  }, CSP_BINDING);
  return issues;
}

/** A page in its own context, already watched. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  issues: PageIssues;
}

/** What a {@link browserTest} body gets. Everything it opens is closed after the body, even when it throws. */
export interface BrowserKit {
  browser: Browser;
  /** Serves a handler on loopback; closed after the browser. */
  serve(handler: ServeHandler): Promise<Served>;
  /** A fresh context (options as for `browser.newContext`) with one watched page. */
  newPage(options?: BrowserContextOptions): Promise<WatchedPage>;
}

/** Launches headless Chromium, runs `fn` with it, and closes the browser and any served handler afterwards. */
export async function withBrowser<T>(executablePath: string, fn: (kit: BrowserKit) => Promise<T>): Promise<T> {
  const servers: Served[] = [];
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    return await fn({
      browser,
      async serve(handler) {
        const served = await serveHandler(handler);
        servers.push(served);
        return served;
      },
      async newPage(options) {
        const context = await browser.newContext(options);
        context.setDefaultTimeout(ACTION_TIMEOUT_MS);
        context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
        const page = await context.newPage();
        const issues = await watchPage(page);
        return { page, context, issues };
      },
    });
  } finally {
    await browser.close().catch(() => {});
    await Promise.all(servers.map((s) => s.close()));
  }
}

export interface BrowserTestOptions {
  /** Playwright keeps no ops or resources across a closed browser here, so sanitizers stay on by default. */
  sanitizeOps?: boolean;
  sanitizeResources?: boolean;
  sanitizeExit?: boolean;
  only?: boolean;
}

/**
 * Registers a `Deno.test` that gets a fresh headless Chromium. Without Chromium it is skipped with a warning printed
 * once to stderr, or fails with {@link MISSING_CHROMIUM_MESSAGE} when `CI` is "true" or "1".
 */
export function browserTest(
  name: string,
  fn: (kit: BrowserKit) => Promise<void>,
  options: BrowserTestOptions = {},
): void {
  const executablePath = findChromium();
  const ci = isCi();
  if (!executablePath && !ci) warnSkippedOnce();
  Deno.test({
    ...options,
    name,
    ignore: !executablePath && !ci,
    async fn() {
      if (!executablePath) throw new Error(`${MISSING_CHROMIUM_MESSAGE}; searched: ${searchedPaths().join(", ")}`);
      await withBrowser(executablePath, fn);
    },
  });
}
