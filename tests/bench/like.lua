-- wrk script for the like toggle. Each thread has one connection and its own
-- user's access token, and alternates PUT and DELETE of that user's like:
-- every request changes a row.
dofile("tests/bench/tokens.lua")

local liked = false

function request()
   liked = not liked
   return wrk.format(liked and "PUT" or "DELETE", nil, {["Authorization"] = "Bearer " .. token}, nil)
end
