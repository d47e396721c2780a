-- Shared by the wrk scripts whose connections each act as their own user:
-- every thread (one connection each) takes its own line of the file named by
-- MOTUS_BENCH_TOKENS as `token`.
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
