-- wrk script for bench/load.py: rotates over the request paths in a file (one per line), whose
-- name follows `--` on wrk's command line, and prints one JSON line of results at the end.
local paths = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %.0f, "duration_us": %.0f, "p50_us": %.0f, "p99_us": %.0f, "mean_us": %.1f, '
      .. '"max_us": %.0f, "errors": %.0f}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, latency.max, e.connect + e.read + e.write + e.status + e.timeout))
end
