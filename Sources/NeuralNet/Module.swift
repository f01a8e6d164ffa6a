/// One position in the module tree.
public struct ModuleNode: Sendable {
    /// The path segment of this position: the spec's `name`, or the index in its parent
    /// (`"0"`, `"block 1"`); empty for the root.
    public let name: String
    /// Whether `name` came from the spec rather than the index (kept for re-encoding).
    let hasExplicitName: Bool
    /// The layer at this position: an index into `Model.layers`; tied positions share it.
    let layer: Int
    /// The children of a container (sequential, residual), or none.
    public let children: [ModuleNode]
    /// The spec `id` this position defines or, when `isReference`, refers to.
    public let tieID: String?
    /// True when this position is a `{"ref": …}` to a module defined earlier.
    public let isReference: Bool

    /// A childless position of layer `l`, for asking a leaf layer about itself.
    static func placeholder(_ l: Int) -> ModuleNode {
        ModuleNode(name: "", hasExplicitName: false, layer: l, children: [], tieID: nil, isReference: false)
    }

    /// The same subtree placed under another name (a reference's position).
    func renamed(_ name: String, explicit: Bool, reference: String) -> ModuleNode {
        ModuleNode(name: name, hasExplicitName: explicit, layer: layer, children: children, tieID: reference, isReference: true)
    }
}

/// Every kind of layer a spec can name; `LayerKinds.kind(named:)` finds one by its spec `type`.
enum LayerKinds {
    static let all: [any Layer.Type] = [
        LinearLayer.self, SequentialLayer.self, FlattenLayer.self, ActivationLayer.self, BatchNormLayer.self, LayerNormLayer.self,
        EmbeddingLayer.self, DropoutLayer.self, ResidualLayer.self, Conv2dLayer.self, MaxPool2dLayer.self, AvgPool2dLayer.self
    ]

    private static let byName: [String: any Layer.Type] = {
        var result: [String: any Layer.Type] = [:]
        for kind in all { for name in kind.typeNames { result[name] = kind } }
        return result
    }()

    static func kind(named type: String) -> (any Layer.Type)? { byName[type] }

    /// The names a spec may use, for messages.
    static var typeNames: [String] { all.flatMap { $0.typeNames } }
}
