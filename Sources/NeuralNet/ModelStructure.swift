/// The parts of a ``Model`` fixed at creation: the module tree, its index of paths, the layers'
/// spec locations and the initializer.
///
/// One immutable object, so that copying a model — every snapshot a request reads, every pass —
/// retains and releases it once instead of each array, dictionary and string inside (a copy of
/// the 784-256-256-10 MLP took ~630 instructions, several times per forward).
final class ModelStructure: Sendable {
    let root: ModuleNode
    let index: ModelIndex
    let layerLocations: [String]
    let initializer: Initializer

    init(root: ModuleNode, index: ModelIndex, layerLocations: [String], initializer: Initializer) {
        self.root = root
        self.index = index
        self.layerLocations = layerLocations
        self.initializer = initializer
    }
}
