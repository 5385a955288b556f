-- wrk script: menu delivery for a different user on each request, with roles, permissions and
-- locale rotating, so the filter and the flag gates run for real on every request.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("SDK_KEY")

local roles = { "", "support", "admin", "support,admin" }
local locales = { "fr", "de", "en", "fr-CA" }
local n = 0
request = function()
  n = n + 1
  local path = string.format("%s?userId=user-%d&roles=%s&permissions=area%d:read,area%d:read&locale=%s",
    wrk.path, n, roles[n % 4 + 1], n % 10, (n + 3) % 10, locales[n % 4 + 1])
  return wrk.format("GET", path)
end

local bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms, non-200: %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status))
end
