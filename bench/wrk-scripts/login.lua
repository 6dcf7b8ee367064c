-- wrk: every request logs in with the user and password given after --.
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = string.format('{"username":"%s","password":"%s"}', args[1], args[2])
end
