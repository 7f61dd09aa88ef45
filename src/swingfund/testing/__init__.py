"""Stand-ins for outside services and load harnesses: used by tests, benchmarks and the demo, never by the product's
own code paths.

- `stripe_standin` — a local HTTP server speaking Stripe's documented wire format (with `stripe_standin_lists`,
  `stripe_standin_objects`), so the real `stripe` library stays in the path;
- `loadtest` — runs the production server (Granian) on a scratch database and fires signed webhook deliveries at it.
- `whatsapp`, `smtp`, `onspd`, `outreach_load` — WhatsApp Cloud API, SMTP and ONSPD-download stand-ins and the
  outreach load harness;
- `commons_votes` — the UK Parliament Commons Votes API; `openloop` — an open-loop HTTP load sender.
"""
