-- Refill and take for one token bucket, atomically (Redis runs a script alone).
--
-- KEYS[1]  the bucket: a hash with 'tokens' (may be fractional) and 'at' (last refill,
--          microseconds of Redis' own clock, so the nodes' clocks never matter)
-- ARGV[1]  refill rate, tokens per second (> 0)
-- ARGV[2]  burst: capacity, and the level a new bucket starts at (> 0)
-- ARGV[3]  tokens wanted (> 0)
--
-- Returns {granted, wait}: granted = min(wanted, floor(tokens)); wait = microseconds until the
-- bucket could grant the rest (at most a burst's worth), 0 when everything was granted.
-- Requires Redis 5 or newer: calling TIME before a write relies on effects replication.

local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])

local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
-- a clock that went backwards (failover to another server) refills nothing rather than
-- freezing the bucket until the new clock catches up
local elapsed = math.max(0, now - at)
tokens = math.min(burst, tokens + elapsed * rate / 1000000)

local granted = math.max(0, math.min(wanted, math.floor(tokens)))
tokens = tokens - granted
local wait = 0
if granted < wanted then
  local reachable = math.min(wanted - granted, burst)
  wait = math.ceil((reachable - tokens) * 1000000 / rate)
end

-- numbers, not tostring(): Redis converts them without losing digits
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
-- a bucket left alone this long is full again, which is the same as no bucket: idle users cost
-- no memory; the second of slack covers rounding and clock steps
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)

return {granted, wait}
