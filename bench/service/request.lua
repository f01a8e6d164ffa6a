-- wrk script for one benchmark case, configured by environment variables so one file serves
-- every case:
--   BENCH_METHOD        GET | POST | PATCH (default GET)
--   BENCH_BODY_FILE     file whose bytes are sent as the body (read once, binary-safe)
--   BENCH_CONTENT_TYPE  Content-Type of the body
--   BENCH_ACCEPT        Accept header (e.g. application/octet-stream for raw outputs)
--   BENCH_TENSOR_SHAPE  Tensor-Shape header for raw float32 bodies
--   BENCH_INFERENCE_HEADER_LENGTH  Inference-Header-Content-Length of a binary /v2 infer body
--   BENCH_RESULT_FILE   when set, done() appends one JSON line with the measured figures
--   BENCH_LABEL         tag copied into that line (server and case)

local function env(name) local v = os.getenv(name); if v == "" then return nil end; return v end

wrk.method = env("BENCH_METHOD") or "GET"
local body_file = env("BENCH_BODY_FILE")
if body_file then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
end
if env("BENCH_CONTENT_TYPE") then wrk.headers["Content-Type"] = env("BENCH_CONTENT_TYPE") end
if env("BENCH_ACCEPT") then wrk.headers["Accept"] = env("BENCH_ACCEPT") end
if env("BENCH_TENSOR_SHAPE") then wrk.headers["Tensor-Shape"] = env("BENCH_TENSOR_SHAPE") end
if env("BENCH_INFERENCE_HEADER_LENGTH") then
  wrk.headers["Inference-Header-Content-Length"] = env("BENCH_INFERENCE_HEADER_LENGTH")
end

-- wrk counts only status >= 400 in errors.status; count anything but 200 separately so a
-- server answering 201/3xx/207 to a timed request cannot pass as a success.
local not_ok = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end

function done(summary, latency, requests)
  local out = env("BENCH_RESULT_FILE")
  if not out then return end
  local others = 0
  for _, t in ipairs(threads) do others = others + (t:get("not_ok") or 0) end
  local e = summary.errors
  local line = string.format(
    '{"label":"%s","requests":%d,"duration_us":%d,"rps":%.2f,"p50_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,"errors_write":%d,' ..
    '"errors_status":%d,"errors_timeout":%d,"not_200":%d}\n',
    env("BENCH_LABEL") or "", summary.requests, summary.duration,
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    latency.max, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, others)
  local f = assert(io.open(out, "a"))
  f:write(line)
  f:close()
end
