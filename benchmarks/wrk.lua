-- wrk script for the served benchmarks: optional headers and a body template from the environment
-- ({n} becomes a counter, so that each create is a new user), and the result as one JSON line.
local body = os.getenv("BENCH_BODY") or ""
local method = os.getenv("BENCH_METHOD") or "GET"
local header = os.getenv("BENCH_HEADER")
local counter = 0

function setup(thread)
  thread:set("id", math.random(1, 1000000000))
end

function init(args)
  wrk.method = method
  wrk.headers["Content-Type"] = "application/json"
  if header and header ~= "" then
    local name, value = header:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end

function request()
  if body == "" then
    return wrk.format(nil, nil, nil, nil)
  end
  counter = counter + 1
  local text = body:gsub("{n}", tostring(id) .. "-" .. tostring(counter))
  return wrk.format(nil, nil, nil, text)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "errors": %d, "seconds": %f, "p50_ms": %f, "p99_ms": %f}\n',
    summary.requests, errors, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
