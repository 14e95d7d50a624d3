// Cold loads in Chromium under the network and CPU profiles of QUALITY.md: first contentful paint, and when the
// feed's Composer island is live (its Post button turns disabled on an empty text, which only the browser does).
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, findChromium } from "../../tests/browser/harness.ts";

export interface NetworkProfile {
  name: string;
  latencyMs: number;
  downloadBytesPerSecond: number;
  uploadBytesPerSecond: number;
}

/** QUALITY.md: Slow 4G is 180,000 B/s with 562.5 ms of latency; Slow 3G is Chrome's preset of that name. */
export const SLOW_4G: NetworkProfile = {
  name: "Slow 4G",
  latencyMs: 562.5,
  downloadBytesPerSecond: 180_000,
  uploadBytesPerSecond: 84_375,
};
export const SLOW_3G: NetworkProfile = {
  name: "Slow 3G",
  latencyMs: 2000,
  downloadBytesPerSecond: 51_200,
  uploadBytesPerSecond: 51_200,
};

export interface ColdLoad {
  url: string;
  profile: string;
  firstContentfulPaintMs: number;
  /** Null when the page has no island to wait for. */
  islandsLiveMs: number | null;
}

/**
 * Loads each URL in a fresh browser context (empty cache) with `profile` and 4x CPU slowdown. `cookie` signs the
 * visitor in; `liveSelector` names an element that matches only once the page's islands run.
 */
export async function coldLoad(
  url: string,
  profile: NetworkProfile,
  options: { cookie?: { name: string; value: string }; liveSelector?: string } = {},
): Promise<ColdLoad> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("Chromium not found: apt-get install -y chromium (or set PROK_CHROMIUM)");
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    if (options.cookie) await context.addCookies([{ ...options.cookie, url }]);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: profile.latencyMs,
      downloadThroughput: profile.downloadBytesPerSecond,
      uploadThroughput: profile.uploadBytesPerSecond,
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await page.goto(url, { waitUntil: "load", timeout: 60_000 });
    let islandsLiveMs: number | null = null;
    if (options.liveSelector) {
      await page.waitForSelector(options.liveSelector, { timeout: 60_000 });
      islandsLiveMs = await page.evaluate(() => performance.now());
    }
    // The paint entry can arrive after `load`; wait for it (10 s at most, then report -1).
    const firstContentfulPaintMs = await page.evaluate(() =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const entry = list.getEntriesByName("first-contentful-paint")[0];
          if (entry) resolve(entry.startTime);
        }).observe({ type: "paint", buffered: true });
        setTimeout(() => resolve(-1), 10_000);
      })
    );
    return { url, profile: profile.name, firstContentfulPaintMs, islandsLiveMs };
  } finally {
    await browser.close();
  }
}
