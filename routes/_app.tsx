import { asset } from "$fresh/runtime.ts";
import type { PageProps } from "$fresh/server.ts";

export default function App({ Component }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>Prok</title>
        <link rel="icon" href={asset("/favicon.svg")} type="image/svg+xml" />
      </head>
      <body class="min-h-screen flex flex-col bg-gray-50 text-gray-900 antialiased">
        <Component />
      </body>
    </html>
  );
}
