-- wrk script: config delivery fetches by 1,000 app instances in turn (X-Instance-Id), with the
-- SDK key from $SDK_KEY. A fixed set of instances, as a fleet polling would be.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("SDK_KEY")

local n = 0
request = function()
  n = n + 1
  wrk.headers["X-Instance-Id"] = string.format("web-%d", n % 1000)
  return wrk.format(nil, nil, wrk.headers, nil)
end

local bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms, non-2xx/3xx: %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status))
end
