import HTTP
import JSON
import NeuralNet

extension ParamdService {
    /// Backward, zero-grad and train: gradients and optimizer state live in memory; train's
    /// final weights are durable before its done line, and so are the running statistics a
    /// backward pass moves.
    func addTrainingRoutes(to router: inout Router) {
        handle(&router, .post, "/v1/models/{model}/backward") { [self] request in
            let slot = try await slot(request)
            let parsed = try TrainingRequest(request, training: false)
            let target = try parsed.target(rows: nil)
            let (state, loss) = try await slot.modify(condition: nil) { state in
                var model = state.model
                let materializes = model.hasDeferredLayers
                let loss = try model.backward(input: parsed.inputs, target: target, loss: parsed.loss)
                try Self.requireFiniteGradients(loss: loss, model: model)
                // Deferred layers that took their width here, and running statistics a batch
                // norm moved in train mode, are durable changes; gradients alone are not.
                let buffersMoved = model.store.buffers != state.model.store.buffers
                return materializes || buffersMoved ? .durable(model, loss) : .memory(model, loss)
            }
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("loss")
            writer.write(float: loss)
            writer.endObject()
            return .json(writer.bytes, version: state.version)
        }

        handle(&router, .post, "/v1/models/{model}/zero-grad") { [self] request in
            let slot = try await slot(request)
            let (state, _) = try await slot.modify(condition: nil) { state in
                var model = state.model
                model.zeroGradients()
                return .memory(model, true)
            }
            var response = HTTPResponse(status: .noContent)
            response.headers.set("ETag", EntityTag.header(version: state.version))
            return response
        }

        handle(&router, .post, "/v1/models/{model}/train") { [self] request in
            try await train(request)
        }
    }

    /// 422 when backward produced a loss or gradient that is not finite: nothing is kept.
    static func requireFiniteGradients(loss: Float, model: Model) throws {
        guard loss.isFinite else {
            throw TrainingError.nonFiniteLoss(loss)
        }
        for parameter in try model.namedParameters() {
            if let gradient = parameter.gradient, !gradient.allFinite {
                throw TrainingError.nonFiniteGradient(path: parameter.path)
            }
        }
    }

    /// POST train: everything that can be refused is refused before the 200 (body, optimizer,
    /// shapes on the first batch, If-Match); then the steps run on the snapshot of that moment,
    /// outside the model's write line (writes go on meanwhile, however slowly the client reads
    /// its progress lines), and the result is committed only if the model is still at that
    /// snapshot's version (else a 409 in the stream: nothing is lost, the client retrains on the
    /// new weights); it is durable before the done line.
    private func train(_ request: HTTPRequest) async throws -> HTTPResponse {
        let slot = try await slot(request)
        let condition = EntityTag.condition(ifMatch: request.headers["If-Match"])
        let parsed = try TrainingRequest(request, training: true)
        let current = try slot.state()
        if let condition, !condition.isSatisfied(byVersion: current.version) {
            throw ModelError.preconditionFailed(currentVersion: current.version)
        }
        // A dry run of the first batch: a width or target mismatch is a 422, not a broken stream.
        let firstRows = parsed.batches(epoch: 1).first ?? nil
        _ = try current.model.loss(input: try parsed.inputs(rows: firstRows), target: try parsed.target(rows: firstRows), loss: parsed.loss)

        let events = request.wantsEventStream
        let contentType = events ? MediaType.eventStream : MediaType.ndjson
        var response = HTTPResponse(status: .ok, headers: ["Content-Type": contentType, "Cache-Control": "no-store"])
        response.body = .stream { writer in
            let progress = ProgressWriter(writer: writer, events: events)
            do {
                let (model, loss) = try await Self.trained(current.model, parsed, progress: progress)
                let (state, _) = try await slot.modify(condition: nil) { state -> ModelOwner.Change<Bool> in
                    guard state.version == current.version else {
                        throw TrainingError.changedDuringTraining(trained: current.version, current: state.version)
                    }
                    return .durable(model, true)
                }
                try await progress.send("done", ["done": .bool(true), "version": .number(Double(state.version))], loss: loss)
            } catch let error as HTTPServerError {
                throw error  // the client left: nothing to tell it
            } catch {
                let problem = Problem(error)
                try await progress.sendProblem(problem.document(instance: request.path))
            }
        }
        return response
    }

    /// Runs every step on `model` (a snapshot's copy), sending one progress line per step.
    /// - Throws: a 422 when the loss or a weight stops being finite; what sending throws.
    private static func trained(
        _ snapshot: Model, _ parsed: TrainingRequest, progress: ProgressWriter
    ) async throws -> (model: Model, loss: Float) {
        var model = snapshot
        var optimizer = parsed.optimizer!
        var step = 0
        var last: Float = .nan
        for epoch in 1...parsed.epochs {
            for rows in parsed.batches(epoch: epoch) {
                step += 1
                last = try model.trainStep(
                    input: try parsed.inputs(rows: rows), target: try parsed.target(rows: rows), loss: parsed.loss,
                    optimizer: &optimizer)
                guard last.isFinite else {
                    throw TrainingError.lossDiverged(loss: last, epoch: epoch, step: step)
                }
                try await progress.send("progress", ["epoch": .number(Double(epoch)), "step": .number(Double(step))], loss: last)
            }
        }
        for parameter in try model.namedParameters() where !parameter.value.allFinite {
            throw TrainingError.nonFiniteWeight(path: parameter.path)
        }
        return (model, last)
    }

}

/// Writes training progress as NDJSON lines or as server-sent events.
private struct ProgressWriter: Sendable {
    let writer: HTTPBodyWriter
    let events: Bool

    func send(_ event: String, _ members: [String: JSONValue], loss: Float) async throws {
        var json = JSONWriter()
        json.beginObject()
        for key in members.keys.sorted() {
            json.key(key)
            json.write(members[key]!)
        }
        json.key("loss")
        json.write(float: loss)
        json.endObject()
        try await emit(event, json.bytes)
    }

    func sendProblem(_ document: JSONValue) async throws {
        try await emit("error", JSONValue.object(["error": document]).jsonBytes)
    }

    private func emit(_ event: String, _ json: [UInt8]) async throws {
        if events {
            try await writer.write(Array("event: \(event)\ndata: ".utf8) + json + Array("\n\n".utf8))
        } else {
            try await writer.write(json + [UInt8(ascii: "\n")])
        }
    }
}
