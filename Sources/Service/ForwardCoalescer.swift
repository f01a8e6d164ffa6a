import HTTP
import NeuralNet

/// Runs small forward passes that arrive together as one batch.
///
/// A forward at batch 1 does two flops per weight it reads: it is bound by memory (about 20 µs
/// for the 1 MB of a 784-256-256-10 MLP). Sixteen of them side by side read the weights once.
/// So a small forward joins the open batch of its model and version; the first request of a
/// batch (its leader) lets the requests already queued on its thread run first (one yield),
/// then runs them all as one pass and hands each its rows. Nothing waits for requests that have
/// not arrived yet: on an idle server the leader finds no one and runs alone, as before.
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

    /// Which requests may share a pass: the same model object at the same version, and inputs
    /// of the same sample shape. Every change to weights is a durable write with a new version
    /// (in-memory changes at the same version touch gradients only), so one version is one set
    /// of weights.
    private struct Key: Hashable {
        let slot: ObjectIdentifier
        let version: Int
        let sampleShape: [Int]
    }

    private struct Member {
        let input: Tensor
        let continuation: CheckedContinuation<Ticket, Never>
    }

    private struct OpenBatch {
        /// Keeps the slot alive, so its ObjectIdentifier in the key is not reused meanwhile.
        let slot: ModelOwner
        var rows: Int
        var members: [Member] = []
    }

    private enum Ticket: Sendable {
        case lead
        case joined(Result<ForwardResult, any Error>)
        case alone
    }

    private let open = Locked<[Key: OpenBatch]>([:])
    private let onBatch: @Sendable (_ requests: Int) -> Void

    /// - Parameter onBatch: told the size of every joint pass (for metrics).
    init(onBatch: @escaping @Sendable (_ requests: Int) -> Void = { _ in }) {
        self.onBatch = onBatch
    }

    /// Whether `input` is small enough to gain from sharing a pass.
    static func accepts(_ input: Tensor) -> Bool {
        input.rank >= 2 && input.shape[0] <= maxRequestRows
    }

    /// `state.model.forward(input)`, possibly run together with other requests for the same
    /// model version that are queued beside this one.
    func forward(_ input: Tensor, state: ModelState, slot: ModelOwner) async throws -> ForwardResult {
        let rows = input.shape[0]
        let key = Key(slot: ObjectIdentifier(slot), version: state.version, sampleShape: Array(input.shape.dropFirst()))
        let ticket = await withCheckedContinuation { (continuation: CheckedContinuation<Ticket, Never>) in
            let role: Ticket? = open.withLock { batches in
                guard let index = batches.index(forKey: key) else {
                    batches[key] = OpenBatch(slot: slot, rows: rows)
                    return .lead
                }
                // Changed where it is stored: a copy taken out would share the members' buffer
                // with the table, and each append would copy every member before it.
                guard batches.values[index].rows + rows <= Self.maxBatchRows else { return .alone }
                batches.values[index].rows += rows
                batches.values[index].members.append(Member(input: input, continuation: continuation))
                return nil  // the leader resumes it
            }
            if let role { continuation.resume(returning: role) }
        }
        switch ticket {
        case .joined(let result):
            return try result.get()
        case .alone:
            return try state.model.forward(input)
        case .lead:
            // Queued again behind the work already waiting on this executor: the requests
            // that arrived with this one get their turn to join.
            await Task.yield()
            let members = open.withLock { $0.removeValue(forKey: key)?.members ?? [] }
            // The rule the router applies to a single pass of the same cost: a joint pass too
            // big for the loop's budget runs on the pool.
            let jointRows = members.reduce(rows) { $0 + $1.input.shape[0] }
            let cost = ForwardRequest.passCost(rows: jointRows, parameters: state.model.parameterCount)
            if members.isEmpty { return try state.model.forward(input) }
            let model = state.model
            return try await Placement.run(cost: cost) { try self.run(leader: input, members: members, model: model) }
        }
    }

    /// Runs the leader's input and its members' as one pass, or each alone when that fails,
    /// resumes every member with its rows, and returns the leader's.
    private func run(leader: Tensor, members: [Member], model: Model) throws -> ForwardResult {
        if members.isEmpty { return try model.forward(leader) }
        let inputs = [leader] + members.map(\.input)
        let results: [Result<ForwardResult, any Error>]
        if let joint = try? model.forward(Self.stack(inputs)), joint.materializedModel == nil {
            onBatch(inputs.count)
            results = Self.split(joint.output, rows: inputs.map { $0.shape[0] }).map { .success($0) }
        } else {
            results = inputs.map { input in Result { try model.forward(input) } }
        }
        for (member, result) in zip(members, results.dropFirst()) {
            member.continuation.resume(returning: .joined(result))
        }
        return try results[0].get()
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
