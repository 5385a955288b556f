-- wrk script: GET /healthz after doing exactly ofrep_evaluate.lua's per-request client work (its
-- request function runs, its answer is thrown away), so both scenarios cost wrk the same CPU. wrk
-- shares the machine's cores with the server: without this, /healthz runs without Lua and the
-- ratio of the two rates also measures wrk's scripting, not only the server.
dofile("bench/ofrep_evaluate.lua")
local evaluate = request
request = function()
  evaluate()
  return wrk.format("GET", "/healthz", nil, nil)
end
