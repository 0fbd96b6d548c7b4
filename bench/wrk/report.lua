-- Used by bench/wrkSlice.ts: counts answers by status and prints one machine-readable line at the
-- end, since wrk itself only reports "Non-2xx or 3xx responses".
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      all[status] = (all[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(all) do
    table.insert(parts, status .. "=" .. n)
  end
  local e = summary.errors
  io.write(string.format("BENCH %d %d %.3f %.3f %d %s\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ",")))
end
