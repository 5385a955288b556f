-- wrk script: Unleash's frontend API as unleash-proxy-client calls it (the context in the query,
-- properties in brackets), with the SDK key from $SDK_KEY, for a different user on each request
-- (so every flag is evaluated for real, not one cached answer). $FRONTEND_PATH picks the endpoint
-- (default /api/frontend; Unleash Edge also has /api/frontend/features/NAME, one flag).
local threads = {}
setup = function(thread) table.insert(threads, thread) end

local path = os.getenv("FRONTEND_PATH") or "/api/frontend"

init = function(args)
  wrk.headers["Authorization"] = os.getenv("SDK_KEY")
  n = 0
  unexpected = 0
end

request = function()
  n = n + 1
  return wrk.format("GET", string.format(
    "%s?appName=bench&userId=user-%d&properties%%5Bcountry%%5D=CA&properties%%5BappVersion%%5D=2.3.1&properties%%5Bplan%%5D=pro", path, n))
end

response = function(status, headers, body)
  if status ~= 200 then unexpected = unexpected + 1 end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("unexpected") end
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms, non-200: %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, total))
end
