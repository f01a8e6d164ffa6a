import HTTP
import NeuralNet

/// Runs the small forward passes that arrive in one turn of an event loop as one batch.
///
/// A forward at batch 1 does two flops per weight it reads: it is bound by memory (about 20 µs
/// for the 1 MB of a 784-256-256-10 MLP). Sixteen of them side by side read the weights once.
/// So a small forward joins the open batch of its model and version on its loop, and once the
/// requests read in that turn have all been dispatched (``HTTPResponseSink/afterTurn(_:)``) each
/// batch runs as one pass, where ``Placement`` puts a pass of its cost, and every request gets its
/// rows. Nothing waits for requests that have not arrived: on an idle server a request is alone
/// in its turn and runs alone, as soon as its turn ends.
///
/// The rows a request gets back are bit-identical to running it alone: up to
/// ``maxBatchRows`` rows the gemm computes every element as one FMA chain over its own row
/// (the kernels' dot-product path), and bias and activations act element by element. When the
/// joint pass fails (or would change the model, as a deferred layer does), every request runs
/// alone, so each gets exactly its own answer or error.
final class ForwardCoalescer: Sendable {
    /// The most rows one joint pass takes: the kernels' row-independent gemm limit.
    static let maxBatchRows = 32
    /// Requests with more rows than this already amortize the weights well: they run alone.
    static let maxRequestRows = 8

    /// What a request gets back: its rows, or its error.
    typealias Delivery = @Sendable (Result<ForwardResult, any Error>) -> Void

    /// Which requests may share a pass: the same model object at the same version, and inputs
    /// of the same sample shape. Every change to weights is a durable write with a new version
    /// (in-memory changes at the same version touch gradients only), so one version is one set
    /// of weights.
    private struct Key: Equatable {
        let slot: ObjectIdentifier
        let version: Int
        /// A slice of the request's own shape: no array built per request.
        let sampleShape: ArraySlice<Int>
    }

    private struct Member {
        let input: Tensor
        let deliver: Delivery
    }

    private struct Batch {
        let key: Key
        /// Keeps the slot alive, so its ObjectIdentifier in the key is not reused meanwhile.
        let slot: ModelOwner
        let model: Model
        var rows: Int
        var members: [Member]
    }

    /// The batches of each loop's current turn (nil: requests that return to no loop).
    private let open = Locked<[ObjectIdentifier?: [Batch]]>([:])
    private let onBatch: @Sendable (_ requests: Int) -> Void

    /// - Parameter onBatch: told the size of every joint pass (for metrics).
    init(onBatch: @escaping @Sendable (_ requests: Int) -> Void = { _ in }) {
        self.onBatch = onBatch
    }

    /// Whether `input` is small enough to gain from sharing a pass.
    static func accepts(_ input: Tensor) -> Bool {
        input.rank >= 2 && input.shape[0] <= maxRequestRows
    }

    /// Runs `state.model.forward(input)` once the current turn of `turn`'s loop ends, together
    /// with the other requests for the same model version read in that turn, and hands the
    /// result to `deliver` (on the thread the pass ran on).
    func join(_ input: Tensor, state: ModelState, slot: ModelOwner, turn: some LoopTurn, deliver: @escaping Delivery) {
        let loop = turn.loopIdentity
        let rows = input.shape[0]
        let key = Key(slot: ObjectIdentifier(slot), version: state.version, sampleShape: input.shape.dropFirst())
        let member = Member(input: input, deliver: deliver)
        let opensTurn = open.withLock { table in
            guard let index = table.index(forKey: loop) else {
                table[loop] = [Batch(key: key, slot: slot, model: state.model, rows: rows, members: [member])]
                return true
            }
            // Changed where they are stored: a copy taken out would share its buffer with the
            // table, and each append would copy every member before it.
            if let batch = table.values[index].firstIndex(where: { $0.key == key && $0.rows + rows <= Self.maxBatchRows }) {
                table.values[index][batch].rows += rows
                table.values[index][batch].members.append(member)
            } else {
                table.values[index].append(Batch(key: key, slot: slot, model: state.model, rows: rows, members: [member]))
            }
            return false
        }
        if opensTurn { turn.afterTurn { self.flush(loop) } }
    }

    /// Runs the batches of `loop`'s turn, each where a pass of its cost belongs.
    private func flush(_ loop: ObjectIdentifier?) {
        let batches = open.withLock { $0.removeValue(forKey: loop) ?? [] }
        for batch in batches {
            let cost = ForwardRequest.passCost(rows: batch.rows, parameters: batch.model.parameterCount)
            if Placement.runsInPlace(cost: cost) {
                run(batch)
            } else {
                Placement.offload { self.run(batch) }
            }
        }
    }

    /// Runs a batch's inputs as one pass, or each alone when that fails, and delivers each
    /// request its rows.
    private func run(_ batch: Batch) {
        let (model, members) = (batch.model, batch.members)
        if members.count == 1 {
            members[0].deliver(Result { try model.forward(members[0].input) })
            return
        }
        let inputs = members.map(\.input)
        if let joint = try? model.forward(Self.stack(inputs)), joint.materializedModel == nil {
            onBatch(members.count)
            for (member, result) in zip(members, Self.split(joint.output, rows: inputs.map { $0.shape[0] })) {
                member.deliver(.success(result))
            }
        } else {
            for member in members { member.deliver(Result { try model.forward(member.input) }) }
        }
    }

    /// The inputs one after another along the batch dimension (they share the sample shape).
    private static func stack(_ inputs: [Tensor]) throws -> Tensor {
        let rows = inputs.reduce(0) { $0 + $1.shape[0] }
        var scalars: [Float] = []
        scalars.reserveCapacity(inputs.reduce(0) { $0 + $1.count })
        for input in inputs { scalars.append(contentsOf: input.scalars) }
        return try Tensor(shape: [rows] + inputs[0].shape.dropFirst(), scalars: scalars)
    }

    /// The joint output cut back into each request's rows.
    private static func split(_ output: Tensor, rows: [Int]) -> [ForwardResult] {
        let sample = Array(output.shape.dropFirst())
        let rowSize = sample.reduce(1, *)
        var start = 0
        return rows.map { count in
            let scalars = Array(output.scalars[start * rowSize..<(start + count) * rowSize])
            start += count
            // The shape matches the scalars by construction.
            let tensor = try! Tensor(shape: [count] + sample, scalars: scalars)
            return ForwardResult(output: tensor, activations: [:], materializedModel: nil)
        }
    }
}

/// The turn of an event loop in which requests were read: the coalescer gathers the requests of
/// one turn and runs them once it ends. A request's ``HTTPResponseSink`` is its turn.
protocol LoopTurn: Sendable {
    /// The loop, as a key; nil for requests that return to no loop.
    var loopIdentity: ObjectIdentifier? { get }
    /// Runs `work` once the requests of this turn have been dispatched.
    func afterTurn(_ work: @escaping @Sendable () -> Void)
}

extension HTTPResponseSink: LoopTurn {}
