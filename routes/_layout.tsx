import type { PageProps } from "$fresh/server.ts";
import { SiteFooter } from "../components/SiteFooter.tsx";
import { SiteHeader } from "../components/SiteHeader.tsx";

export default function Layout({ Component }: PageProps) {
  return (
    <>
      <SiteHeader />
      <main id="main" class="flex-1 w-full max-w-5xl mx-auto px-4 py-8">
        <Component />
      </main>
      <SiteFooter />
    </>
  );
}
