-- wrk script: Unleash's client API as an Unleash server-side SDK polls it, with the SDK key from
-- $SDK_KEY as the whole Authorization header; with $ETAG set, as every poll after the first
-- (If-None-Match: the 304 an unchanged state gets, which is what SDKs receive nearly always).
local etag = os.getenv("ETAG")
local revalidate = etag ~= nil and etag ~= ""
local expected = revalidate and 304 or 200

local threads = {}
setup = function(thread) table.insert(threads, thread) end

init = function(args)
  wrk.headers["Authorization"] = os.getenv("SDK_KEY")
  if revalidate then wrk.headers["If-None-Match"] = etag end
  unexpected = 0
end

response = function(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("unexpected") end
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms, answers other than %d: %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, expected, total))
end
