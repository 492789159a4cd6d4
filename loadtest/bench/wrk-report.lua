-- wrk script for loadtest/bench: optional Poisson pacing and one JSON line of results (latencies in us).
local mean_interval_ms = tonumber(os.getenv("BENCH_MEAN_INTERVAL_MS") or "0") or 0

function init(args)
  -- Each wrk thread has its own Lua state; seed each differently so their arrivals do not align.
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

if mean_interval_ms > 0 then
  -- Exponential gaps give Poisson arrivals per connection; wrk takes whole ms, so round, not floor.
  function delay()
    return math.floor(-math.log(1 - math.random()) * mean_interval_ms + 0.5)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  -- With no completed request wrk's min is its UINT64_MAX sentinel: print zeros, the harness reports why.
  local n = summary.requests > 0
  local function p(q) if n then return latency:percentile(q) else return 0 end end
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    n and latency.min or 0, n and latency.mean or 0, p(50), p(90), p(99), p(99.9), n and latency.max or 0))
end
