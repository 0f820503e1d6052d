-- wrk script for the Confer bench.
-- env BENCH_TARGETS: file of lines "METHOD|PATH|API-KEY|BODY" (BODY may be empty, and has no
--   "|"), or "METHOD|PATH|API-KEY|IF-MATCH|BODY" for an update that sends If-Match
-- env BENCH_SEQUENTIAL: when set, each thread walks its own share of the lines in order (thread i
--   of n takes lines i, i+n, ...) instead of picking at random, so no line is sent twice until
--   the share is used up (then it starts again: a repeat is answered as a repeat)
-- env BENCH_THREADS: the number of wrk threads (for BENCH_SEQUENTIAL)
-- env BENCH_IDS_DIR: where each thread writes "request-id<TAB>shared-flag" per 2xx response
-- env BENCH_TAG: request-id prefix for this run
local targets = {}
local counter = 0
tid = 0
local out = nil
statuses = {}

local threads = {}
local next_tid = 0
function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(os.getenv("BENCH_TARGETS"), "r"))
  for line in f:lines() do
    local m, p, k, im, b = line:match("^([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$")
    if m == nil then
      m, p, k, b = line:match("^([^|]*)|([^|]*)|([^|]*)|(.*)$")
      im = ""
    end
    table.insert(targets, {m, p, k, b, im})
  end
  f:close()
  math.randomseed(os.time() * 1000 + tid)
  sequential = os.getenv("BENCH_SEQUENTIAL") ~= nil and os.getenv("BENCH_SEQUENTIAL") ~= ""
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "1") or 1
  out = assert(io.open(os.getenv("BENCH_IDS_DIR") .. "/ids-" .. tid .. ".txt", "w"))
  out:setvbuf("full")
end

function request()
  counter = counter + 1
  local t
  if sequential then
    local n = #targets
    local i = ((counter - 1) * nthreads + (tid - 1)) % n + 1
    t = targets[i]
  else
    t = targets[math.random(#targets)]
  end
  local rid = os.getenv("BENCH_TAG") .. "-" .. tid .. "-" .. counter
  local headers = {["X-Request-ID"] = rid}
  if t[3] ~= "" then headers["Authorization"] = "Bearer " .. t[3] end
  if t[5] ~= "" then headers["If-Match"] = t[5] end
  local body = nil
  if t[4] ~= "" then
    body = t[4]
    headers["Content-Type"] = "application/json"
    headers["Idempotency-Key"] = rid
  end
  return wrk.format(t[1], t[2], headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 200 and status < 300 then
    local rid = headers["x-request-id"] or headers["X-Request-ID"] or "?"
    local shared = 0
    if body and string.find(body, '"shared":{', 1, true) then shared = 1 end
    out:write(rid, "\t", shared, "\n")
  end
end

function done(summary, latency, requests)
  local s = {}
  for _, t in ipairs(threads) do
    local st = t:get("statuses")
    if st then for k, v in pairs(st) do s[tostring(k)] = (s[tostring(k)] or 0) + v end end
  end
  local parts = {}
  for k, v in pairs(s) do table.insert(parts, string.format('"%s":%d', k, v)) end
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    table.concat(parts, ",")))
end
