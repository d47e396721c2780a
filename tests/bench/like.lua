-- wrk script for the like toggle. Each thread has one connection and its own
-- user's access token (MOTUS_BENCH_TOKENS, one per line), and alternates
-- PUT and DELETE of that user's like: every request changes a row.
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
   liked = false
end

function request()
   liked = not liked
   return wrk.format(liked and "PUT" or "DELETE", nil, {["Authorization"] = "Bearer " .. token}, nil)
end
