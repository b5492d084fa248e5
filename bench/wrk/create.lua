-- Durable creates: every request a new customer (a random run prefix and a counter make the id).
math.randomseed(os.time() + os.clock() * 1e6)
local run = string.format("%08x", math.random(0, 0x7fffffff))
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "sk_test_owostack_local")
request = function()
  n = n + 1
  local id = "bench-" .. run .. "-" .. n
  return wrk.format(nil, "/v1/customers", nil, '{"id":"' .. id .. '","email":"' .. id .. '@example.com"}')
end
