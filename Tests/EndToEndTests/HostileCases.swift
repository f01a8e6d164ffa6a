import Foundation

/// The hostile requests, by kind. Every one targets the model `mlp` (4 → 8 → ReLU → 2) or
/// tries to create a model; none may change anything stored.
enum HostileCases {
    static let model = "/v1/models/mlp"
    static let bias = "/v1/models/mlp/parameters/0.bias"
    static let weight = "/v1/models/mlp/parameters/0.weight"
    static let eightOnes = "[1, 1, 1, 1, 1, 1, 1, 1]"

    static let malformedJSON: [HostileCase] = [
        .json("truncated create", "POST", "/v1/models", #"{"name": "x", "spec": "#),
        .json("missing comma", "POST", "/v1/models", #"{"name": "x" "spec": {"type": "relu"}}"#),
        .json("not JSON at all", "POST", "/v1/models", "not json"),
        .json("trailing garbage", "POST", "/v1/models", #"{"name": "x", "spec": {"type": "relu"}} trailing"#),
        .json("single quotes", "POST", "/v1/models", "{'name': 'x', 'spec': {'type': 'relu'}}"),
        .json("top-level array", "POST", "/v1/models", "[]"),
        .json("top-level null", "POST", "/v1/models", "null"),
        .http(
            "invalid UTF-8 in a string", "POST", "/v1/models",
            body: Array(#"{"name": ""#.utf8) + [0xFF, 0xFE, 0x80] + Array(#"", "spec": {"type": "relu"}}"#.utf8)),
        .json("lone surrogate", "POST", "/v1/models", #"{"name": "\ud800", "spec": {"type": "relu"}}"#),
        .json("raw control character", "POST", "/v1/models", "{\"name\": \"a\u{01}b\", \"spec\": {\"type\": \"relu\"}}"),
        .json("truncated forward", "POST", "\(model)/forward", #"{"inputs": [[1, 2, 3, 4]]"#),
        .json("double comma", "PUT", bias, #"{"value": [1, 2,, 3, 4, 5, 6, 7, 8]}"#),
        .json("leading zero", "PATCH", bias, #"{"op": "fill", "value": 01}"#),
        .json("truncated initialize", "POST", "\(model)/initialize", #"{"init": {"name": "constant", "value": 1}"#)
    ]

    static let deepNesting: [HostileCase] = {
        let arrays = String(repeating: "[", count: 100_000) + "1" + String(repeating: "]", count: 100_000)
        let objects = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        let unclosed = String(repeating: "[", count: 1_000_000)
        return [
            .json("forward inputs 100 000 deep", "POST", "\(model)/forward", #"{"inputs": \#(arrays)}"#),
            .json("spec 100 000 objects deep", "POST", "/v1/models", #"{"name": "deep", "spec": \#(objects)}"#),
            .json("PATCH body 100 000 deep", "PATCH", bias, arrays),
            .json("PUT value 100 000 deep", "PUT", bias, #"{"value": \#(arrays)}"#),
            .json("initialize 100 000 deep", "POST", "\(model)/initialize", #"{"init": \#(objects)}"#),
            .json("a million unclosed brackets", "POST", "\(model)/forward", #"{"inputs": \#(unclosed)"#)
        ]
    }()

    static let declaredSizes: [HostileCase] = [
        .http(
            "1 GB declared for forward", "POST", "\(model)/forward", body: Array(#"{"inputs""#.utf8),
            headers: [("Content-Length", "1000000000")], allowed: [413]),
        .http(
            "1 GiB declared for create", "POST", "/v1/models", body: [],
            headers: [("Content-Length", "1073741824")], allowed: [413]),
        .http(
            "1 GiB raw PUT", "PUT", weight, body: [0, 0, 128, 63], contentType: "application/octet-stream",
            headers: [("Tensor-Shape", "8,4"), ("Content-Length", "1073741824")], allowed: [413]),
        .http(
            "1 GB with Expect: 100-continue", "POST", "\(model)/forward", body: [],
            headers: [("Expect", "100-continue"), ("Content-Length", "1000000000")], allowed: [413, 417]),
        .http(
            "Content-Length beyond 64 bits", "POST", "\(model)/forward", body: [],
            headers: [("Content-Length", "99999999999999999999999")], allowed: [400, 413]),
        .http("negative Content-Length", "POST", "\(model)/forward", body: [], headers: [("Content-Length", "-1")]),
        .http(
            "two different Content-Lengths", "POST", "\(model)/forward", body: Array(#"{"inputs": [[1,2,3,4]]}"#.utf8),
            headers: [("Content-Length", "22"), ("Content-Length", "5")]),
        .http(
            "a 1 GiB chunk declared", "POST", "\(model)/forward", body: Array("40000000\r\n{\"inputs\"".utf8),
            headers: [("Transfer-Encoding", "chunked")], allowed: [413]),
        .http(
            "a chunk size beyond 64 bits", "POST", "\(model)/forward", body: Array("ffffffffffffffffff\r\n{".utf8),
            headers: [("Transfer-Encoding", "chunked")], allowed: [400, 413])
    ]

    static func linear(_ input: String, _ output: String) -> String {
        #"{"type": "linear", "in": \#(input), "out": \#(output)}"#
    }

    static let hugeModels: [HostileCase] = {
        let huge: Set<Int> = [400, 413, 422, 507]
        func create(_ label: String, _ spec: String, allowed: Set<Int> = huge) -> HostileCase {
            .json(label, "POST", "/v1/models", #"{"name": "huge", "spec": \#(spec)}"#, allowed: allowed)
        }
        let giga = linear("1000000000", "1000000000")
        return [
            create("10^18 parameters", #"{"type": "sequential", "layers": [\#(giga)]}"#),
            create(
                "10^19 parameters (beyond Int64)",
                #"{"type": "sequential", "layers": [\#(Array(repeating: giga, count: 10).joined(separator: ", "))]}"#),
            create("2^32 x 2^32 (wraps to 0 in 64 bits)", linear("4294967296", "4294967296")),
            create("just past sqrt(Int.max) squared", linear("3037000500", "3037000500")),
            create(
                "1100 layers of 10^6 (sum over the limit)",
                #"{"type": "sequential", "layers": [\#(Array(repeating: linear("1000", "1000"), count: 1100).joined(separator: ", "))]}"#),
            create("width 1e300", linear("1e300", "4"), allowed: [400, 422]),
            create("negative width", linear("-4", "8"), allowed: [400, 422]),
            create("zero width", linear("0", "8"), allowed: [400, 422]),
            create("fractional width", linear("1.5", "8"), allowed: [400, 422]),
            create("width as a string", linear("\"4\"", "8"), allowed: [400, 422])
        ]
    }()

    /// Paths that try to leave the model namespace; `marker` names what must never appear on disk.
    static func names(marker: String) -> [HostileCase] {
        let targets = [
            "..%2F..%2Fetc", "..%2Fmlp", "%2E%2E", "%2e%2e%2fmlp", "a%00b", "mlp%00", "mlp%00.x", ".hidden",
            String(repeating: "a", count: 65), "%C3%A9t%C3%A9", "a%20b", "a%2Fb", "%FF", "..%5Cmlp"
        ]
        var cases = targets.map { HostileCase.http("GET /v1/models/\($0)", "GET", "/v1/models/\($0)") }
        cases += [
            .http("DELETE ..%2Fmlp", "DELETE", "/v1/models/..%2Fmlp"),
            .http("DELETE mlp%00", "DELETE", "/v1/models/mlp%00"),
            .json("PUT through ..%2Fmlp", "PUT", "/v1/models/..%2Fmlp/parameters/0.bias", #"{"value": \#(eightOnes)}"#),
            .http("GET /v1/models/..", "GET", "/v1/models/..", allowed: [400, 404])
        ]
        let bodies = [
            "../escape-\(marker)", "../../escape-\(marker)", "..", ".", "a/b", "a\\u0000b", ".hidden-\(marker)", "",
            String(repeating: "b", count: 65), "\\u00e9t\\u00e9", "a b", "mlp\\n", "/tmp/escape-\(marker)"
        ]
        cases += bodies.map { name in
            .json("create named \(name)", "POST", "/v1/models", #"{"name": "\#(name)", "spec": {"type": "relu"}}"#)
        }
        return cases
    }

    static let unknownFieldsAndWrongTypes: [HostileCase] = [
        .json("unknown member in create", "POST", "/v1/models", #"{"name": "x", "spec": {"type": "relu"}, "colour": "red"}"#),
        .json(
            "unknown member in a layer", "POST", "/v1/models",
            #"{"name": "x", "spec": {"type": "linear", "in": 4, "out": 8, "bais": true}}"#),
        .json("unknown layer type", "POST", "/v1/models", #"{"name": "x", "spec": {"type": "lstm"}}"#),
        .json("forward with input for inputs", "POST", "\(model)/forward", #"{"input": [[1, 2, 3, 4]]}"#),
        .json("unknown member in forward", "POST", "\(model)/forward", #"{"inputs": [[1, 2, 3, 4]], "extra": 1}"#),
        .json("unknown member in PUT", "PUT", bias, #"{"value": \#(eightOnes), "extra": 1}"#),
        .json("unknown member in a PATCH op", "PATCH", bias, #"{"op": "fill", "value": 1, "extra": 2}"#),
        .json("unknown PATCH op", "PATCH", bias, #"{"op": "explode", "value": 1}"#),
        .json("unknown member in initialize", "POST", "\(model)/initialize", #"{"init": {"name": "constant", "value": 1}, "extra": 1}"#),
        .json("unknown initializer", "POST", "\(model)/initialize", #"{"init": {"name": "magic"}}"#),
        .json("name as a number", "POST", "/v1/models", #"{"name": 5, "spec": {"type": "relu"}}"#),
        .json("seed as a string", "POST", "/v1/models", #"{"name": "x", "seed": "x", "spec": {"type": "relu"}}"#),
        .json("fractional seed", "POST", "/v1/models", #"{"name": "x", "seed": 1.5, "spec": {"type": "relu"}}"#),
        .json("seed 1e30", "POST", "/v1/models", #"{"name": "x", "seed": 1e30, "spec": {"type": "relu"}}"#),
        .json("spec as a string", "POST", "/v1/models", #"{"name": "x", "spec": "relu"}"#),
        .json("inputs as a string", "POST", "\(model)/forward", #"{"inputs": "abc"}"#),
        .json("inputs of strings", "POST", "\(model)/forward", #"{"inputs": [["a", "b", "c", "d"]]}"#),
        .json("ragged inputs", "POST", "\(model)/forward", #"{"inputs": [[1, 2, 3, 4], [1, 2]]}"#, allowed: [400, 422]),
        .json("capture as a number", "POST", "\(model)/forward", #"{"inputs": [[1, 2, 3, 4]], "capture": 5}"#),
        .json("value as a string", "PUT", bias, #"{"value": "zeros"}"#),
        .json("ops as an object", "PATCH", bias, #"{"ops": {}}"#),
        .json("PATCH value true", "PATCH", bias, #"{"op": "add", "value": true}"#),
        .json("index as a string", "PATCH", weight, #"{"op": "set", "index": "0,0", "value": 1}"#),
        .json("PUT of the wrong shape", "PUT", bias, #"{"value": [1, 2, 3]}"#, allowed: [422]),
        .json("forward width mismatch", "POST", "\(model)/forward", #"{"inputs": [[1, 2, 3]]}"#, allowed: [422]),
        .json("PUT to an unknown parameter", "PUT", "\(model)/parameters/9.weight", #"{"value": [1]}"#, allowed: [404])
    ]

    static let numbers: [HostileCase] = {
        func raw(_ values: [Float]) -> [UInt8] {
            values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        }
        let rawHeaders = [("Tensor-Shape", "1,4")]
        return [
            .json("NaN literal in inputs", "POST", "\(model)/forward", #"{"inputs": [[NaN, 1, 2, 3]]}"#),
            .json("Infinity literal in inputs", "POST", "\(model)/forward", #"{"inputs": [[Infinity, 1, 2, 3]]}"#),
            .json("-Infinity literal in inputs", "POST", "\(model)/forward", #"{"inputs": [[-Infinity, 1, 2, 3]]}"#),
            .json("1e999 in inputs", "POST", "\(model)/forward", #"{"inputs": [[1e999, 1, 2, 3]]}"#, allowed: [400, 422]),
            .json("1e39 in float32 inputs", "POST", "\(model)/forward", #"{"inputs": [[1e39, 1, 2, 3]]}"#, allowed: [400, 422]),
            .http(
                "raw NaN input", "POST", "\(model)/forward", body: raw([.nan, 1, 2, 3]), contentType: "application/octet-stream",
                headers: rawHeaders, allowed: [400, 422]),
            .http(
                "raw infinite input", "POST", "\(model)/forward", body: raw([.infinity, 1, 2, 3]),
                contentType: "application/octet-stream", headers: rawHeaders, allowed: [400, 422]),
            .http(
                "raw NaN PUT", "PUT", bias, body: raw([.nan, 1, 1, 1, 1, 1, 1, 1]), contentType: "application/octet-stream",
                headers: [("Tensor-Shape", "8")], allowed: [400, 422]),
            .http(
                "raw PUT with a Tensor-Shape past Int64", "PUT", bias, body: raw([1]), contentType: "application/octet-stream",
                headers: [("Tensor-Shape", "999999999,999999999,999999999")], allowed: [400, 413, 422]
            )
            .detailMentioning("overflow", "too large", "too many", "limit", "exceed", "beyond"),
            // 9e18 elements fit in Int64; 4 bytes each do not.
            .http(
                "raw PUT of 9e18 elements", "PUT", bias, body: raw([1]), contentType: "application/octet-stream",
                headers: [("Tensor-Shape", "999999999,999999999,9")], allowed: [400, 413, 422]),
            .http(
                "raw forward of 9e18 elements", "POST", "\(model)/forward", body: raw([1]), contentType: "application/octet-stream",
                headers: [("Tensor-Shape", "999999999,999999999,9")], allowed: [400, 413, 422]),
            .http(
                "raw PUT with a negative Tensor-Shape", "PUT", bias, body: raw([1]), contentType: "application/octet-stream",
                headers: [("Tensor-Shape", "-1")], allowed: [400, 422]),
            .http(
                "raw PUT with 3 stray bytes", "PUT", bias, body: [1, 2, 3], contentType: "application/octet-stream",
                headers: [("Tensor-Shape", "8")], allowed: [400, 422]),
            .json("1e39 in a PUT value", "PUT", bias, #"{"value": [1e39, 1, 1, 1, 1, 1, 1, 1]}"#, allowed: [400, 422]),
            .json("PATCH fill 1e39", "PATCH", bias, #"{"op": "fill", "value": 1e39}"#, allowed: [400, 422]),
            .json("PATCH add 1e39", "PATCH", bias, #"{"op": "add", "value": 1e39}"#, allowed: [400, 422]),
            .json("PATCH set one element to 1e39", "PATCH", weight, #"{"op": "set", "index": [0, 0], "value": 1e39}"#, allowed: [400, 422]),
            .json(
                "PATCH overflowing to infinity", "PATCH", bias,
                #"{"ops": [{"op": "fill", "value": 3e38}, {"op": "mul", "value": 10}]}"#, allowed: [400, 422]),
            .json(
                "initialize constant 1e39", "POST", "\(model)/initialize", #"{"init": {"name": "constant", "value": 1e39}}"#,
                allowed: [400, 422]),
            .json("seed NaN", "POST", "/v1/models", #"{"name": "x", "seed": NaN, "spec": {"type": "relu"}}"#)
        ]
    }()

    static let slices: [HostileCase] = {
        let refused: Set<Int> = [400, 422]
        var cases = ["-100", "100", "0,0,0", "0,-100", "abc", "0:2:1", "9999999999", "", "%00", "-9223372036854775808", "0;1", "1e3"]
            .map { HostileCase.http("slice=\($0)", "GET", "\(weight)?slice=\($0)", allowed: refused) }
        cases += [
            .json("set index [100, 0]", "PATCH", weight, #"{"op": "set", "index": [100, 0], "value": 1}"#, allowed: refused),
            .json("set index [-100, 0]", "PATCH", weight, #"{"op": "set", "index": [-100, 0], "value": 1}"#, allowed: refused),
            .json("set index [0] on a matrix", "PATCH", weight, #"{"op": "set", "index": [0], "value": 1}"#, allowed: refused),
            .json("set index [0, 0, 0]", "PATCH", weight, #"{"op": "set", "index": [0, 0, 0], "value": 1}"#, allowed: refused),
            .json("set index [1e10, 0]", "PATCH", weight, #"{"op": "set", "index": [1e10, 0], "value": 1}"#),
            .json("set index []", "PATCH", weight, #"{"op": "set", "index": [], "value": 1}"#),
            .json("set slice 100", "PATCH", weight, #"{"op": "set", "slice": "100", "value": 1}"#, allowed: refused),
            .json("set a row to the wrong shape", "PATCH", weight, #"{"op": "set", "slice": "0", "value": [1, 2]}"#, allowed: refused),
            .json(
                "second op fails: nothing applies", "PATCH", weight,
                #"{"ops": [{"op": "fill", "value": 5}, {"op": "set", "index": [99, 0], "value": 1}]}"#, allowed: refused),
            .http("values=maybe", "GET", "\(model)/parameters?values=maybe")
        ]
        return cases
    }()

    static let emptyBodies: [HostileCase] = [
        .http("empty create", "POST", "/v1/models", body: []),
        .http("empty PUT", "PUT", bias, body: []),
        .http("empty PATCH", "PATCH", bias, body: []),
        .http("empty forward", "POST", "\(model)/forward", body: []),
        .http("empty initialize", "POST", "\(model)/initialize", body: [], allowed: [400]),
        .http("whitespace create", "POST", "/v1/models", body: Array("  \n ".utf8)),
        .http("create without any body", "POST", "/v1/models", allowed: [400, 411, 415])
    ]

    static let contentTypes: [HostileCase] = [
        .json(
            "create as text/plain", "POST", "/v1/models", #"{"name": "x", "spec": {"type": "relu"}}"#, contentType: "text/plain",
            allowed: [415]),
        .json(
            "create as a form", "POST", "/v1/models", #"{"name": "x", "spec": {"type": "relu"}}"#,
            contentType: "application/x-www-form-urlencoded", allowed: [415]),
        .json(
            "create without Content-Type", "POST", "/v1/models", #"{"name": "x", "spec": {"type": "relu"}}"#, contentType: nil,
            allowed: [400, 415]),
        .json(
            "create as octet-stream", "POST", "/v1/models", #"{"name": "x", "spec": {"type": "relu"}}"#,
            contentType: "application/octet-stream", allowed: [415]),
        .json("PUT as XML", "PUT", bias, "<value>1</value>", contentType: "application/xml", allowed: [415]),
        .json("PATCH as text/plain", "PATCH", bias, #"{"op": "fill", "value": 1}"#, contentType: "text/plain", allowed: [415]),
        .json(
            "forward as multipart", "POST", "\(model)/forward", #"{"inputs": [[1, 2, 3, 4]]}"#,
            contentType: "multipart/form-data; boundary=x", allowed: [415]),
        .json(
            "forward as application/jsonx", "POST", "\(model)/forward", #"{"inputs": [[1, 2, 3, 4]]}"#,
            contentType: "application/jsonx", allowed: [415]),
        .json(
            "initialize as text/html", "POST", "\(model)/initialize", #"{"init": {"name": "zeros"}}"#,
            contentType: "text/html", allowed: [415])
    ]

    static let protocolGarbage: [HostileCase] = [
        .raw("not HTTP", "HELLO\r\n\r\n", allowed: [400]),
        .raw("HTTP/9.9", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", allowed: [400, 505]),
        .raw(
            "a 100 KB target", "GET /v1/models/\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n",
            allowed: [400, 414, 431]),
        .raw(
            "a 100 KB header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 100_000))\r\n\r\n",
            allowed: [400, 431]),
        .raw(
            "5000 headers", "GET /healthz HTTP/1.1\r\nHost: x\r\n" + String(repeating: "X-A: b\r\n", count: 5000) + "\r\n",
            allowed: [400, 431]),
        .raw("a header without a colon", "GET /v1/models HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", allowed: [400]),
        .raw("a NUL in a header", "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-A: a\u{0}b\r\n\r\n", allowed: [400]),
        .raw("an unknown method", "BREW /v1/models HTTP/1.1\r\nHost: x\r\n\r\n", allowed: [400, 405, 501]),
        // Request smuggling shapes (RFC 9112 §6.1): refuse rather than guess the framing.
        .raw(
            "Content-Length beside chunked",
            "POST /v1/models/mlp/forward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            allowed: [400]),
        .raw(
            "a coding other than chunked last",
            "POST /v1/models/mlp/forward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
            allowed: [400, 501]),
        .raw(
            "an obfuscated Transfer-Encoding",
            "POST /v1/models/mlp/forward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
            allowed: [400])
    ]
}
