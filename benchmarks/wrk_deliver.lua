-- wrk script for benchmarks/donations.py: deliver each pre-signed Stripe event until it is acknowledged.
-- Arguments (after --): FILE (lines "signature<TAB>body"), THREADS (wrk -t), WEBHOOK_PATH, FILLER_PATH.
-- Thread k owns lines k, k+THREADS, …. It sends each once; an event not acknowledged (a 200 naming it) within
-- RESEND_SECONDS is sent again, as Stripe retries (wrk may drop a request it built when it reconnects). While it
-- waits for its last answers, a connection with nothing to send asks FILLER_PATH (a cheap GET).
local RESEND_SECONDS = 2
local threads, next_id = {}, 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads, path = args[1], tonumber(args[2]), args[3]
  filler = wrk.format("GET", args[4])
  reqs, ids, sent_at, acked = {}, {}, {}, {}
  cursor, remaining, answered, refused, resent = 0, 0, 0, 0, 0
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == id - 1 then
      local signature, body = line:match("([^\t]+)\t(.*)")
      reqs[#reqs + 1] = wrk.format("POST", path, {["Content-Type"] = "application/json; charset=utf-8",
                                                  ["Stripe-Signature"] = signature}, body)
      ids[#ids + 1] = body:match('"id":%s*"([^"]+)"')
    end
    i = i + 1
  end
  remaining = #reqs
end

function request()
  local now = os.time()
  for _ = 1, #reqs do
    cursor = cursor % #reqs + 1
    local k = cursor
    if not acked[ids[k]] and (sent_at[k] == nil or now - sent_at[k] >= RESEND_SECONDS) then
      if sent_at[k] ~= nil then resent = resent + 1 end
      sent_at[k] = now
      return reqs[k]
    end
  end
  return filler
end

function response(status, headers, body)
  if body:find('"error"', 1, true) then
    refused = refused + 1
    return
  end
  local event = body:match('"received":%s*"([^"]+)"')
  if event and status == 200 then
    answered = answered + 1
    if not acked[event] then
      acked[event] = true
      remaining = remaining - 1
      if remaining == 0 then wrk.thread:stop() end
    end
  end
end

function done(summary, latency, requests)
  local total, bad, again = 0, 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("answered")
    bad = bad + thread:get("refused")
    again = again + thread:get("resent")
  end
  io.write(string.format("deliveries answered %d, not 200 %d, resent %d\n", total, bad, again))
end
