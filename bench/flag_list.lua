-- wrk script: the flag list's server function as the dashboard calls it, with a session cookie
-- from $SESSION, rotating through the views people use: first page, a search, a state filter,
-- another sort, a later page.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("SESSION")

local queries = {
  '{"query": {"environment": "production"}}',
  '{"query": {"search": "team7", "environment": "production"}}',
  '{"query": {"environment": "production", "state": "off", "sort": "name"}}',
  '{"query": {"search": "flag-4", "environment": "production", "sort": "updated"}}',
  '{"query": {"environment": "production", "page": 60}}',
}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, queries[n % #queries + 1])
end

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms, non-2xx: %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status))
end
