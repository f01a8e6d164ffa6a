import HTTP
import JSON

extension ParamdService {
    /// `GET /v1/models/{model}/events`: server-sent events, one per committed version.
    func addEventRoutes(to router: inout Router) {
        handle(&router, .get, "/v1/models/{model}/events") { [self] request in
            let name = try modelName(request)
            let slot = try registry.slot(named: name)
            // Follow first, then read the version: a commit in between is in the stream, and
            // one already in the state is skipped by its version.
            let items = registry.events.follow(name, heartbeat: configuration.eventHeartbeat)
            let current = try slot.state()
            var response = HTTPResponse(status: .ok, headers: ["Content-Type": MediaType.eventStream, "Cache-Control": "no-store"])
            response.body = .stream { writer in
                try await writer.write(EventStreamFrame.retry(milliseconds: 1000))
                try await writer.write(EventStreamFrame.current(model: name, version: current.version))
                var shown = current.version
                for await item in items {
                    switch item {
                    case .heartbeat:
                        try await writer.write(EventStreamFrame.heartbeat)
                    case .event(let event):
                        if case .updated = event.change, event.version <= shown { continue }
                        shown = event.version
                        try await writer.write(EventStreamFrame.event(event))
                    }
                }
            }
            return response
        }
    }

    /// Ends every open event stream, and any opened later: the server is shutting down.
    public func endEventStreams() {
        registry.events.finishAll()
    }
}

/// The text of server-sent events (HTML Living Standard §9.2): `id`, `event` and one `data`
/// line of JSON per event; a comment line as a heartbeat.
enum EventStreamFrame {
    static let heartbeat: [UInt8] = Array(": heartbeat\n\n".utf8)

    static func retry(milliseconds: Int) -> [UInt8] { Array("retry: \(milliseconds)\n\n".utf8) }

    /// The first event of every stream: the version the follower starts from.
    static func current(model: String, version: Int) -> [UInt8] {
        frame(id: version, type: "current", ["model": .string(model), "version": .number(Double(version))])
    }

    /// `id: <version>`, `event: created|updated|deleted`, and
    /// `data: {"model", "version", "change", "parameters"?}`.
    static func event(_ event: ModelEvents.Event) -> [UInt8] {
        var members: [String: JSONValue] = ["model": .string(event.model), "version": .number(Double(event.version))]
        let type: String
        switch event.change {
        case .created: type = "created"
        case .deleted: type = "deleted"
        case .updated(let parameters):
            type = "updated"
            members["parameters"] = .array(parameters.map(JSONValue.string))
        }
        return frame(id: event.version, type: type, members)
    }

    /// The data carries its own event type as `change`, for clients that read only `data`.
    private static func frame(id: Int, type: String, _ members: [String: JSONValue]) -> [UInt8] {
        var members = members
        members["change"] = .string(type)
        return Array("id: \(id)\nevent: \(type)\ndata: ".utf8) + JSONValue.object(members).jsonBytes + Array("\n\n".utf8)
    }
}
