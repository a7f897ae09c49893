-- Alternates join and leave on one room: a join's answer queues its participant id, the
-- next request on the thread leaves that participant. Pairs/s = requests/s / 2.
local counter = 0
local queue = {}
local tid = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  room = args[1]
  auth = args[2]
end

function request()
  local id = table.remove(queue)
  if id then
    return wrk.format("POST", "/v1/participants/" .. id .. "/leave",
      { ["Authorization"] = auth }, "")
  end
  counter = counter + 1
  local body = string.format('{"identity":"bench-%d-%d","name":"Bench %d"}', tid, counter, counter)
  return wrk.format("POST", "/v1/rooms/" .. room .. "/participants",
    { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 201 then
    local id = body:match('"id":"([0-9a-f%-]+)"')
    if id then table.insert(queue, id) end
  elseif status ~= 200 then
    errors = (errors or 0) + 1
  end
end
