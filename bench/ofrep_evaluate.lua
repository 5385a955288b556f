-- wrk script: OFREP evaluation (one flag or bulk, as the URL says) with an SDK key from $SDK_KEY,
-- for a different user on each request (so the bucketing runs for real, not one cached answer).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("SDK_KEY")

local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"context":{"targetingKey":"user-%d","country":"CA","appVersion":"2.3.1","plan":"pro"}}', n)
  return wrk.format(nil, nil, nil, body)
end

-- Any answer but 200 means the benchmark measured errors: say so.
local bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms, non-200: %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status))
end
