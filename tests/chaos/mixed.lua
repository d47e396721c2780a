-- wrk script for make chaos: mixed reads and writes, each thread one connection
-- and one user (its token from MOTUS_BENCH_TOKENS, see tests/bench/tokens.lua).
-- Every 8 requests of a connection are:
--   2 anonymous item reads (nginx's micro-cache), 2 item reads and 1 list page
--   with the token (the worker: JWT + memcached), 1 GET /v1/me (the worker:
--   Postgres) and 2 like writes (PUT or DELETE: one item after another, each
--   toggled on every pass).
-- Every request here is idempotent. Each thread counts answers by kind and keeps
-- the last acknowledged state of each of its likes: '1' liked, '0' not liked,
-- '?' the last write failed or was never answered (so either may be true),
-- '-' never written. done() writes them to MOTUS_CHAOS_OUT for run.sh to
-- compare with the database.
dofile("tests/bench/tokens.lua")

-- The wall clock in ms (LuaJIT's FFI: wrk's Lua has no finer clock than os.time), so run.sh can tell
-- whether every failure fell inside the window in which Postgres was down.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } chaos_timespec;
int clock_gettime(int clock, chaos_timespec *ts);
]]
local ts = ffi.new("chaos_timespec")
local function now_ms()
   ffi.C.clock_gettime(0, ts) -- CLOCK_REALTIME
   return tonumber(ts.tv_sec) * 1000 + math.floor(tonumber(ts.tv_nsec) / 1e6)
end

local slugs = {}
for s in string.gmatch(os.getenv("MOTUS_CHAOS_SLUGS"), "[^,]+") do slugs[#slugs + 1] = s end

local plan = {"cached", "bearer", "cached", "list", "like", "me", "bearer", "like"}
local kinds = {"cached", "bearer", "list", "me", "like"}
local n, writes, kind, like_at, like_put = 0, 0, nil, nil, nil
local liked = {} -- per slug index: the state this thread asked for last

ok, failed, status_5xx, status_4xx = {}, {}, 0, 0
for _, k in ipairs(kinds) do ok[k], failed[k] = 0, 0 end
likes = string.rep("-", #slugs)
first_failure, first_failure_ms, last_failure_ms = "", 0, 0

local function set_like(i, c)
   likes = likes:sub(1, i - 1) .. c .. likes:sub(i + 1)
end

function request()
   n = n + 1
   kind = plan[(n - 1) % #plan + 1]
   local auth = {["Authorization"] = "Bearer " .. token}
   if kind == "cached" then
      return wrk.format("GET", "/v1/content/" .. slugs[n % #slugs + 1])
   elseif kind == "bearer" then
      return wrk.format("GET", "/v1/content/" .. slugs[n % #slugs + 1], auth)
   elseif kind == "list" then
      return wrk.format("GET", "/v1/content?kind=recipe&limit=20", auth)
   elseif kind == "me" then
      return wrk.format("GET", "/v1/me", auth)
   end
   writes = writes + 1
   like_at = writes % #slugs + 1
   like_put = not liked[like_at]
   liked[like_at] = like_put
   set_like(like_at, "?") -- in doubt until its answer comes: wrk may stop before it does
   return wrk.format(like_put and "PUT" or "DELETE", "/v1/content/" .. slugs[like_at] .. "/like", auth)
end

function response(status, headers, body)
   if status >= 200 and status < 300 then
      ok[kind] = ok[kind] + 1
      if kind == "like" then set_like(like_at, like_put and "1" or "0") end
      return
   end
   failed[kind] = failed[kind] + 1
   last_failure_ms = now_ms()
   if first_failure_ms == 0 then first_failure_ms = last_failure_ms end
   if status >= 500 then status_5xx = status_5xx + 1 else status_4xx = status_4xx + 1 end
   if first_failure == "" then first_failure = kind .. " " .. status .. " " .. (body or ""):sub(1, 200) end
   if kind == "like" then set_like(like_at, "?") end
end

local threads = {}
local setup_tokens = setup
function setup(thread)
   setup_tokens(thread)
   threads[#threads + 1] = thread
end

function done(summary, latency, requests)
   local f = assert(io.open(os.getenv("MOTUS_CHAOS_OUT"), "w"))
   for i, t in ipairs(threads) do
      local tok, tfailed = t:get("ok"), t:get("failed")
      for _, k in ipairs(kinds) do
         f:write(string.format("count %d %s %d %d\n", i, k, tok[k], tfailed[k]))
      end
      f:write(string.format("likes %d %s\n", i, t:get("likes")))
      if t:get("first_failure") ~= "" then
         f:write("failure " .. t:get("first_failure"):gsub("\n", " ") .. "\n")
         f:write(string.format("failed_between %d %d\n", t:get("first_failure_ms"), t:get("last_failure_ms")))
      end
   end
   local e = summary.errors
   f:write(string.format("socket %d %d %d %d %d\n", e.connect, e.read, e.write, e.status, e.timeout))
   f:write(string.format("latency %d %d %d\n", latency:percentile(50), latency:percentile(99), latency.max))
   f:write(string.format("total %d %d\n", summary.requests, summary.duration))
   f:close()
end
