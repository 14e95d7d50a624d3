// The development outbox: every mail Prok would have sent, newest first. Development only; 404 anywhere else.
import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { listOutbox, OUTBOX_CAP, type OutboxMail } from "../../services/mail/outbox.ts";
import { NO_STORE } from "../../http/forms.ts";

interface DevMailData {
  mails: OutboxMail[];
  /** SMTP is configured: new mails go there, and this lists only what the outbox kept before. */
  smtp: boolean;
}

export const handler: Handlers<DevMailData, AppState> = {
  async GET(_req, ctx) {
    const { app } = ctx.state;
    if (app.config.env !== "development") return ctx.renderNotFound();
    const mails = await listOutbox(app.kv, 100);
    return ctx.render({ mails, smtp: app.mail.kind === "smtp" }, { headers: NO_STORE });
  },
};

export default function DevMail({ data }: PageProps<DevMailData>) {
  return (
    <>
      <Head>
        <title>Outbox (development) — Prok</title>
      </Head>
      <div class="mx-auto max-w-2xl">
        <h1 class="text-2xl font-bold text-gray-900">Outbox</h1>
        <p class="mt-2 text-gray-700">
          {data.smtp
            ? "SMTP_URL is set, so new mail goes to the SMTP server; below is what the outbox kept before."
            : `The mail Prok would have sent, newest first (development only; the last ${OUTBOX_CAP} are kept).`}
        </p>
        {data.mails.length === 0
          ? <p class="mt-6 text-gray-700">No mail yet.</p>
          : (
            <ol class="mt-6 divide-y divide-gray-200 rounded-lg border border-gray-200 bg-white shadow-sm">
              {data.mails.map((m) => (
                <li key={m.seq} class="p-4">
                  <h2 class="break-words font-semibold text-gray-900">{m.subject}</h2>
                  <p class="text-sm text-gray-600">
                    To <span class="break-all">{m.to}</span> ·{" "}
                    <time datetime={m.sentAt.toISOString()}>
                      {m.sentAt.toLocaleString("en", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" })} UTC
                    </time>
                  </p>
                  <pre class="mt-2 whitespace-pre-wrap break-words font-sans text-gray-800">{m.text}</pre>
                </li>
              ))}
            </ol>
          )}
      </div>
    </>
  );
}
