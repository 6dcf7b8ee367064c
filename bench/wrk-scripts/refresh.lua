-- wrk: refresh chains. The refresh tokens in the file given after -- (one per line, more than
-- there are connections) each start a chain: a request spends one, its answer brings the next.
local tokens = {}

function init(args)
  for line in io.lines(args[1]) do
    tokens[#tokens + 1] = line
  end
end

function request()
  local token = table.remove(tokens, 1)
  if token == nil then
    error("refresh.lua: every token is spent: give more tokens than connections")
  end
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" },
    '{"refresh":"' .. token .. '"}')
end

function response(status, headers, body)
  local next = body:match('"refresh":"([^"]+)"')
  if next then
    tokens[#tokens + 1] = next
  end
end
