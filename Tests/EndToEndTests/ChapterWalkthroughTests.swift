import Foundation
import Testing

/// The chapter's steps against the real binary, with curl.
@Suite(.serialized)
struct ChapterWalkthroughTests {
    /// `torch.manual_seed(0); nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))`,
    /// state_dict values printed by PyTorch 2.13 (float32 widened to double).
    static let torchSeed0: [String: [Double]] = [
        "0.weight": [
            -0.003743410110473633, 0.26822179555892944, -0.4115225672721863, -0.3679695129394531,
            -0.19257718324661255, 0.13407868146896362, -0.009906589984893799, 0.39644473791122437,
            -0.04437202215194702, 0.1323062777519226, -0.15110653638839722, -0.09828269481658936,
            -0.4776742458343506, -0.33114105463027954, -0.20611155033111572, 0.018521785736083984,
            0.19766759872436523, 0.30001139640808105, -0.3389705419540405, -0.21773141622543335,
            0.18160855770111084, 0.41519397497177124, -0.10290008783340454, 0.3741558790206909,
            -0.08059167861938477, 0.05290704965591431, 0.45273810625076294, -0.4638351798057556,
            -0.3147689700126648, -0.12658262252807617, -0.19489997625350952, 0.43200039863586426
        ],
        "0.bias": [
            -0.32408982515335083, -0.23016643524169922, -0.3493202328681946, -0.46828049421310425,
            -0.29187023639678955, 0.42979902029037476, 0.2231091856956482, 0.24233627319335938
        ],
        "2.weight": [
            0.01859392412006855, -0.18126098811626434, 0.05981581658124924, -0.33011093735694885,
            -0.2554657459259033, -0.18226736783981323, 0.22307024896144867, 0.20729584991931915
        ],
        "2.bias": [-0.15679916739463806]
    ]
    static let mlp = """
        {"name": "mlp", "seed": 0, "spec": {"type": "sequential", "layers": [
          {"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}}
        """

    @Test func pytorchMLPWithSeedZeroHasTorchsWeights() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let created = try Curl.json("POST", "\(server.baseURL)/v1/models", Self.mlp)
        #expect(created.status == 201, "\(created.text)")
        for (path, expected) in Self.torchSeed0 {
            let parameter = try Curl.json("GET", "\(server.baseURL)/v1/models/mlp/parameters/\(path)")
            let values = flatten(parameter.object["value"])
            #expect(values.map { Float($0) } == expected.map { Float($0) }, "\(path)")
        }
        // net(X) for X = [[0.1, 0.2, 0.3, 0.4]] in PyTorch: -0.17383018136024475.
        let forward = try Curl.json("POST", "\(server.baseURL)/v1/models/mlp/forward", #"{"inputs": [[0.1, 0.2, 0.3, 0.4]]}"#)
        let output = flatten(forward.object["outputs"])
        #expect(output.count == 1)
        #expect(abs(output[0] - -0.17383018136024475) < 1e-6)
    }

    @Test func xavierPlus42GivesFortyTwoInLayerTwo() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        _ = try Curl.json("POST", "\(server.baseURL)/v1/models", Self.mlp)
        let initialized = try Curl.json(
            "POST", "\(server.baseURL)/v1/models/mlp/initialize",
            """
            {"rules": [{"match": "0.weight", "init": "xavier_uniform"}, {"match": "2.weight", "init": {"name": "constant", "value": 42}}]}
            """)
        #expect(initialized.status == 200, "\(initialized.text)")
        let weight = try Curl.json("GET", "\(server.baseURL)/v1/models/mlp/parameters/2.weight")
        #expect(flatten(weight.object["value"]) == Array(repeating: 42, count: 8))
    }

    @Test func tiedParametersStayIdenticalAfterPatchThroughEitherPath() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let created = try Curl.json(
            "POST", "\(server.baseURL)/v1/models",
            """
            {"name": "tied", "seed": 7, "spec": {"type": "sequential", "layers": [
              {"type": "linear", "in": 20, "out": 8}, {"type": "relu"},
              {"type": "linear", "in": 8, "out": 8, "id": "shared"}, {"type": "relu"},
              {"ref": "shared"}, {"type": "relu"}, {"type": "linear", "out": 1}]}}
            """)
        #expect(created.status == 201, "\(created.text)")
        for (path, index) in [("2.weight", "[0, 0]"), ("4.weight", "[1, 2]")] {
            let patched = try Curl.json(
                "PATCH", "\(server.baseURL)/v1/models/tied/parameters/\(path)", #"{"op": "set", "index": \#(index), "value": 100}"#)
            #expect(patched.status == 200, "\(patched.text)")
            let first = try Curl.json("GET", "\(server.baseURL)/v1/models/tied/parameters/2.weight")
            let second = try Curl.json("GET", "\(server.baseURL)/v1/models/tied/parameters/4.weight")
            #expect(flatten(first.object["value"]) == flatten(second.object["value"]))
        }
        let weight = flatten(try Curl.json("GET", "\(server.baseURL)/v1/models/tied/parameters/4.weight").object["value"])
        #expect(weight[0] == 100 && weight[10] == 100)
    }

    @Test func nestedBlocksAreNamedBlockI() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let block =
            #"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 4}, {"type": "relu"}]}"#
        let named = (0..<4).map { index in
            block.replacingOccurrences(of: #"{"type": "sequential","#, with: #"{"type": "sequential", "name": "block \#(index)","#)
        }
        let spec =
            #"{"type": "sequential", "layers": [{"type": "sequential", "layers": [\#(named.joined(separator: ", "))]}, {"type": "linear", "in": 4, "out": 1}]}"#
        let created = try Curl.json("POST", "\(server.baseURL)/v1/models", #"{"name": "rgnet", "spec": \#(spec)}"#)
        #expect(created.status == 201, "\(created.text)")
        #expect(
            created.object["tree"] as? String == """
                Sequential(
                  (0): Sequential(
                    (block 0): Sequential(
                      (0): Linear(in_features=4, out_features=8, bias=True)
                      (1): ReLU()
                      (2): Linear(in_features=8, out_features=4, bias=True)
                      (3): ReLU()
                    )
                    (block 1): Sequential(
                      (0): Linear(in_features=4, out_features=8, bias=True)
                      (1): ReLU()
                      (2): Linear(in_features=8, out_features=4, bias=True)
                      (3): ReLU()
                    )
                    (block 2): Sequential(
                      (0): Linear(in_features=4, out_features=8, bias=True)
                      (1): ReLU()
                      (2): Linear(in_features=8, out_features=4, bias=True)
                      (3): ReLU()
                    )
                    (block 3): Sequential(
                      (0): Linear(in_features=4, out_features=8, bias=True)
                      (1): ReLU()
                      (2): Linear(in_features=8, out_features=4, bias=True)
                      (3): ReLU()
                    )
                  )
                  (1): Linear(in_features=4, out_features=1, bias=True)
                )
                """)
        let bias = try Curl.json("GET", "\(server.baseURL)/v1/models/rgnet/parameters/0.block%201.0.bias")
        #expect(bias.status == 200, "\(bias.text)")
        #expect(bias.object["name"] as? String == "0.block 1.0.bias")
        #expect(flatten(bias.object["value"]).count == 8)
    }
}

/// All numbers of a nested JSON array (as JSONSerialization returns it), row-major.
func flatten(_ value: Any?) -> [Double] {
    switch value {
    case let number as NSNumber: [number.doubleValue]
    case let array as [Any]: array.flatMap { flatten($0) }
    default: []
    }
}
