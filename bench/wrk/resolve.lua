-- Resolves: the same existing customer every time (nothing to write, still a write route).
wrk.method = "POST"
wrk.path = "/v1/customers"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "sk_test_owostack_local")
wrk.body = '{"id":"bench-resolved","email":"bench-resolved@example.com"}'
