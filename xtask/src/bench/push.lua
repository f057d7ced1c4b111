-- wrk script for `cargo xtask bench server` (xtask/src/bench/server.rs): many devices pushing
-- their outboxes at once, each push a completed inspection with its hazard events.
--
-- Arguments (after `--`): the devices file, wrk's thread count and the pause between a
-- device's pushes in ms (0: back to back). Each line of the file is
-- one device: index, device id, token, next sequence number, entries and findings per push,
-- and the push body with placeholders (`__S<k>__`: sequence number of entry k, `__I<k>__`: an
-- id made fresh for every push). Thread t takes the devices whose index modulo the thread
-- count is t.
--
-- Exactly once: a device has at most one push in flight. wrk does not say which connection
-- asks for a request or answers, so `request()` takes any idle device and `response()` finds
-- the device again by the first mutation id in the answer. wrk calls `response()` for a
-- connection before it asks that connection for its next request, so with as many devices as
-- connections a device is always idle when asked (`stalled` counts the times none was).

local thread_counter = 0
local threads = {}

function setup(thread)
   thread:set("thread_id", thread_counter)
   thread_counter = thread_counter + 1
   table.insert(threads, thread)
end

-- Per thread (each wrk thread has its own Lua state).
local idle = {}
local in_flight = {}
local verified = false
pushes = 0
accepted = 0
not_accepted = 0
findings = 0
non_200 = 0
stalled = 0
-- Device index -> "<last seq answered> <last seq sent>", for the exactly-once check.
progress = {}

function init(args)
   local path, thread_count, pause = args[1], tonumber(args[2]), tonumber(args[3] or "0")
   if pause > 0 then
      -- Paced: after each answer the device waits 0.5 to 1.5 times `pause` ms (wrk asks
      -- `delay()` only when the script defines it).
      function delay()
         return math.floor(pause * (0.5 + math.random()))
      end
   end
   -- wrk builds one request on the first thread to check the script and never sends it.
   verified = thread_id ~= 0
   for line in io.lines(path) do
      local index, device, token, seq, entries, found, template =
         line:match("^(%d+)\t([^\t]+)\t([^\t]+)\t(%d+)\t(%d+)\t(%d+)\t(.*)$")
      index = tonumber(index)
      if index and index % thread_count == thread_id then
         local d = {
            index = index,
            token = token,
            seq = tonumber(seq),
            entries = tonumber(entries),
            findings = tonumber(found),
            template = template,
            pushes = 0,
         }
         progress[index] = string.format("%d %d", d.seq - 1, d.seq - 1)
         table.insert(idle, d)
      end
   end
end

-- A UUIDv7: the time, then random bits, then the device and its push counter (unique).
local function uuid7(d, k)
   local ms = os.time() * 1000
   return string.format("%08x-%04x-7%03x-%04x-%04x%04x%04x",
      math.floor(ms / 65536), ms % 65536, math.random(0, 4095),
      0x8000 + math.random(0, 16383), d.index, d.pushes % 65536, k)
end

local function health()
   return wrk.format("GET", "/api/health")
end

function request()
   if not verified then
      verified = true
      return health()
   end
   local d = table.remove(idle)
   if not d then
      stalled = stalled + 1
      return health()
   end
   d.pushes = d.pushes + 1
   local ids = {}
   local body = d.template:gsub("__([IS])(%d+)__", function(kind, k)
      k = tonumber(k)
      if kind == "S" then
         return tostring(d.seq + k)
      end
      if not ids[k] then
         ids[k] = uuid7(d, k)
      end
      return ids[k]
   end)
   in_flight[ids[0]] = d
   progress[d.index] = string.format("%d %d", d.seq - 1, d.seq + d.entries - 1)
   local headers = {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. d.token,
   }
   return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
   if status ~= 200 then
      non_200 = non_200 + 1
      return
   end
   local first = body:match('"mutation_id":"([%x%-]+)"')
   local d = first and in_flight[first]
   if not d then
      return -- the health check of a stalled or verifying request
   end
   in_flight[first] = nil
   local _, ok = body:gsub('"status":"accepted"', "")
   pushes = pushes + 1
   accepted = accepted + ok
   not_accepted = not_accepted + (d.entries - ok)
   findings = findings + d.findings
   d.seq = d.seq + d.entries
   progress[d.index] = string.format("%d %d", d.seq - 1, d.seq - 1)
   table.insert(idle, d)
end

function done(summary, latency, requests)
   local totals = { pushes = 0, accepted = 0, not_accepted = 0, findings = 0, non_200 = 0, stalled = 0 }
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do
         totals[name] = totals[name] + thread:get(name)
      end
      for index, line in pairs(thread:get("progress")) do
         io.write(string.format("DEVICE %d %s\n", index, line))
      end
   end
   for name, value in pairs(totals) do
      io.write(string.format("WRK %s %d\n", name, value))
   end
   io.write(string.format("WRK duration_us %d\n", summary.duration))
   io.write(string.format("WRK requests %d\n", summary.requests))
   for name, value in pairs(summary.errors) do
      io.write(string.format("WRK errors_%s %d\n", name, value))
   end
   for _, p in ipairs({ 50, 90, 99 }) do
      io.write(string.format("WRK p%d_us %d\n", p, latency:percentile(p)))
   end
   io.write(string.format("WRK max_us %d\n", latency.max))
end
