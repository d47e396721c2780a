-- wrk script for the refresh grant. Each thread has one connection and its own
-- refresh-token family: every answer carries the next token, which the next
-- request presents (a token presented twice would revoke the family).
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("id", next_id)
end

function init(args)
   local i = 0
   for line in io.lines(os.getenv("MOTUS_BENCH_TOKENS")) do
      i = i + 1
      if i == id then token = line end
   end
end

function request()
   return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"},
                     "grant_type=refresh_token&client_id=motus-cli&refresh_token=" .. token)
end

function response(status, headers, body)
   local t = body:match('"refresh_token":"([0-9a-f]+)"')
   if t then token = t end
end
