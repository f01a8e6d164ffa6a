import ParamdClient

/// The chapter's modules, spelled with the generated types. Layers are a tagged union on
/// `type` (`.linear(...)`, `.relu(...)`), wrapped as `Layer.LayerSpec` beside `Layer.RefLayer`.
typealias Schemas = Components.Schemas

func linear(_ inputs: Int?, _ outputs: Int, id: String? = nil) -> Schemas.Layer {
    .LayerSpec(.linear(.init(_type: .linear, _in: inputs, out: outputs, id: id)))
}

/// Gluon's and Keras's `Dense(out, activation=...)`: `in` is learned from the data.
func dense(_ outputs: Int, activation: Schemas.FusedActivationName? = nil) -> Schemas.Layer {
    .LayerSpec(.dense(.init(_type: .dense, out: outputs, activation: activation.map { .FusedActivationName($0) })))
}

let relu = Schemas.Layer.LayerSpec(.relu(.init(_type: .relu)))
let flatten = Schemas.Layer.LayerSpec(.flatten(.init(_type: .flatten)))

func sequential(_ layers: [Schemas.Layer], name: String? = nil) -> Schemas.LayerSpec {
    .sequential(.init(_type: .sequential, layers: layers, name: name))
}

/// `{"ref": id}`: the very module defined with `id`, so its parameters are tied.
func reference(_ id: String) -> Schemas.Layer { .RefLayer(.init(ref: id)) }

enum Chapter {
    /// `nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))`.
    static let mlp = sequential([linear(4, 8), relu, linear(8, 1)])
    static let gluonMLP = sequential([dense(8, activation: .relu), dense(1)])
    static let kerasMLP = sequential([flatten, dense(4, activation: .relu), dense(1)])

    /// Four `block i` sequentials inside a sequential, then a linear layer.
    static let rgnet = sequential([
        .LayerSpec(sequential((0..<4).map { .LayerSpec(sequential([linear(4, 8), relu, linear(8, 4), relu], name: "block \($0)")) })),
        linear(4, 1)
    ])

    /// The shared linear layer appears at positions 2 and 4.
    static let tied = sequential([
        linear(20, 8), relu, linear(8, 8, id: "shared"), relu, reference("shared"), relu, linear(nil, 1)
    ])
}
