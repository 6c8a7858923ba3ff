-- wrk script for bench/orders.py: each connection creates an order, then finalizes the order it
-- created, again and again. Run with as many threads as connections (-t N -c N): a wrk thread
-- then drives one connection, and the order token it keeps between the two calls is that
-- connection's. Arguments after `--`: secret, ticket id, entry time, date ids (comma separated).
-- Half the orders book 2 seats of a random date, half buy 2 tickets of the one time slot.
-- Prints one JSON line at the end: orders finalized, failures by status, request latencies.
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local headers = {}
local ticket_body
local date_ids = {}
local token = nil
finalized = 0
failed = 0
failures = ""

function init(args)
  headers["Authorization"] = "Bearer " .. args[1]
  headers["Content-Type"] = "application/json"
  ticket_body = '{"items": [{"type": "Ticket", "attributes": {"id": ' .. args[2]
    .. ', "quantity": 2, "time": "' .. args[3] .. '"}}]}'
  for date_id in string.gmatch(args[4], "%d+") do
    date_ids[#date_ids + 1] = date_id
  end
  math.randomseed(id)
end

function request()
  if token ~= nil then
    return wrk.format("POST", "/api/v4/orders/" .. token .. "/finalize", headers, "")
  end
  local body = ticket_body
  if math.random() < 0.5 then
    body = '{"items": [{"type": "Event", "attributes": {"id": '
      .. date_ids[math.random(#date_ids)] .. ', "quantity": 2}}]}'
  end
  return wrk.format("POST", "/api/v4/orders", headers, body)
end

local function fail(status)
  failed = failed + 1
  if #failures < 200 then
    failures = failures .. status .. " "
  end
end

function response(status, headers, body)
  if token ~= nil then
    if status == 200 then
      finalized = finalized + 1
    else
      fail(status)
    end
    token = nil
  elseif status == 201 then
    token = string.match(body, '"token":"([^"]+)"')
  else
    fail(status)
  end
end

function done(summary, latency, requests)
  local orders, failures_total, statuses = 0, 0, ""
  for _, thread in ipairs(threads) do
    orders = orders + thread:get("finalized")
    failures_total = failures_total + thread:get("failed")
    statuses = statuses .. thread:get("failures")
  end
  local e = summary.errors
  io.write(string.format(
    '{"orders": %d, "failed": %d, "failed_statuses": "%s", "requests": %.0f, '
      .. '"duration_us": %.0f, "request_p50_us": %.0f, "request_p99_us": %.0f, '
      .. '"socket_errors": %.0f}\n',
    orders, failures_total, statuses, summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout))
end
