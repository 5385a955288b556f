-- wrk script: dashboard page loads (server-side rendered on the render thread) as the signed-in
-- administrator whose session cookie is in $SESSION_COOKIE.
wrk.method = "GET"
wrk.headers["Cookie"] = os.getenv("SESSION_COOKIE")

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms, non-2xx/3xx: %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status))
end
