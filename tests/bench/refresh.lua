-- wrk script for the refresh grant. Each thread has one connection and its own
-- refresh-token family: every answer carries the next token, which the next
-- request presents (a token presented twice would revoke the family).
dofile("tests/bench/tokens.lua")

function request()
   return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"},
                     "grant_type=refresh_token&client_id=motus-cli&refresh_token=" .. token)
end

function response(status, headers, body)
   local t = body:match('"refresh_token":"([0-9a-f]+)"')
   if t then token = t end
end
