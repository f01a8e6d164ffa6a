import HTTP
import JSON
import NeuralNet

/// A parsed backward or train body: inputs, targets, loss, and for train the optimizer and
/// the loop (epochs, batch size, shuffling).
struct TrainingRequest {
    var inputs: Tensor
    var targets: JSONFloatTensor
    var loss: LossKind
    var optimizer: Optimizer?
    var epochs = 1
    var batchSize: Int?
    var shuffle = false
    var seed: UInt64 = 0

    static let backwardMembers: Set<String> = ["inputs", "targets", "loss"]
    static let trainMembers: Set<String> = backwardMembers.union(["optimizer", "epochs", "batch_size", "shuffle", "seed"])

    /// Reads the body in one pass: the tensors by the JSON reader's float path, the small
    /// members as values.
    init(_ request: HTTPRequest, training: Bool) throws {
        _ = try request.bodyKind()
        let allowed = training ? Self.trainMembers : Self.backwardMembers
        var reader = try JSONReader(request.body)
        guard try reader.peekKind() == .object else { throw reader.unexpectedValue(.object) }
        try reader.beginObject()
        var inputs: JSONFloatTensor?
        var targets: JSONFloatTensor?
        var small: [String: JSONValue] = [:]
        while let key = try reader.nextKey() {
            guard allowed.contains(key) else {
                throw Problem.badRequest(
                    "body has an unknown member \(key.debugDescription); allowed: \(allowed.sorted().joined(separator: ", "))",
                    slug: "unknown-member", path: "body.\(key)")
            }
            switch key {
            case "inputs": inputs = try reader.readFloatTensor()
            case "targets": targets = try reader.readFloatTensor()
            default: small[key] = try reader.readValue()
            }
        }
        try reader.finish()
        let body = try JSONObject(.object(small), at: "body", allowed: allowed)
        guard let inputs else { throw Problem.badRequest("body needs the member \"inputs\"", slug: "missing-member", path: "body.inputs") }
        guard let targets else {
            throw Problem.badRequest("body needs the member \"targets\"", slug: "missing-member", path: "body.targets")
        }
        guard let lossName = try body.string("loss") else { throw try body.required("loss").wrongTypeProblem(at: "body.loss", "a string") }
        guard let loss = LossKind(rawValue: lossName) else {
            throw Problem.badRequest(
                "body.loss must be mse or cross_entropy, got \(lossName.debugDescription)", slug: "invalid-argument", path: "body.loss")
        }
        self.inputs = try Tensor(shape: inputs.shape, scalars: inputs.values)
        self.targets = targets
        self.loss = loss
        try ForwardRequest.checkRank(self.inputs, name: "inputs")
        if training {
            optimizer = try Optimizer(json: try body.required("optimizer"), location: "body.optimizer")
            epochs = try body.integer("epochs", in: 1...10_000) ?? 1
            batchSize = try body.integer("batch_size", in: 1...(1 << 20))
            shuffle = try body.bool("shuffle") ?? false
            seed = UInt64(try body.integer("seed", in: 0...CreateDocument.maxSeed) ?? 0)
        }
        // Every step must see as many targets as inputs; a mismatch is caught before any step.
        guard targets.shape.first == self.inputs.shape.first else {
            throw Problem.unprocessable(
                "targets have \(targets.shape.first.map(String.init) ?? "no") rows but inputs have \(self.inputs.shape[0])",
                slug: "incompatible-input", expected: [self.inputs.shape[0]], actual: targets.shape)
        }
    }

    /// The target for rows `rows` of the batch: values for mse, class indices for cross_entropy.
    func target(rows: [Int]?) throws -> LossTarget {
        let rowCount = targets.shape.first ?? 0
        let rowSize = rowCount == 0 ? 0 : targets.values.count / rowCount
        let values: [Float]
        var shape = targets.shape
        if let rows {
            var gathered: [Float] = []
            gathered.reserveCapacity(rows.count * rowSize)
            for row in rows { gathered += targets.values[row * rowSize..<(row + 1) * rowSize] }
            values = gathered
            shape[0] = rows.count
        } else {
            values = targets.values
        }
        switch loss {
        case .mse:
            return .values(try Tensor(shape: shape, scalars: values))
        case .crossEntropy:
            guard targets.shape.count == 1 else {
                throw Problem.unprocessable(
                    "cross_entropy targets are class indices, one per row ([batch]); got shape \(targets.shape)",
                    slug: "incompatible-input", actual: targets.shape)
            }
            return .classes(
                try values.enumerated().map { index, value throws(Problem) in
                    guard value >= 0, value == value.rounded(), value < 16_777_216 else {
                        throw Problem.unprocessable(
                            "targets[\(index)] must be a class index (0, 1, 2, ...), got \(value)", slug: "incompatible-input")
                    }
                    return Int(value)
                })
        }
    }

    /// Rows `rows` of the inputs as a batch.
    func inputs(rows: [Int]?) throws -> Tensor {
        guard let rows else { return inputs }
        let rowSize = inputs.count / max(inputs.shape[0], 1)
        var gathered: [Float] = []
        gathered.reserveCapacity(rows.count * rowSize)
        inputs.scalars.withUnsafeBufferPointer { all in
            for row in rows { gathered += all[row * rowSize..<(row + 1) * rowSize] }
        }
        var shape = inputs.shape
        shape[0] = rows.count
        return try Tensor(shape: shape, scalars: gathered)
    }

    /// The batches of one epoch, as row lists (nil: the whole batch in order).
    func batches(epoch: Int) -> [[Int]?] {
        let count = inputs.shape[0]
        let size = min(batchSize ?? count, max(count, 1))
        if !shuffle && size >= count { return [nil] }
        var order = Array(0..<count)
        if shuffle {
            // A seeded permutation per epoch: the same request trains the same way every time.
            // Fisher–Yates by hand: the standard library's shuffle may change between releases.
            var generator = SplitMix64(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
            for index in stride(from: count - 1, to: 0, by: -1) {
                order.swapAt(index, Int(generator.next() % UInt64(index + 1)))
            }
        }
        return stride(from: 0, to: count, by: size).map { Array(order[$0..<min($0 + size, count)]) }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast, well-mixed generator for shuffling.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
