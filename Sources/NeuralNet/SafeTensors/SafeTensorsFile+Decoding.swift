extension SafeTensorsFile {
    /// Decodes and validates a whole safetensors file (every rule of ``SafeTensorsHeader``);
    /// tensors come out in buffer order, as Float32 (F16, BF16 and F64 converted, see
    /// ``SafeTensorsLayout/floats(in:)``).
    ///
    /// - Complexity: O(header + data); one copy of the data.
    public init(decoding bytes: [UInt8], limits: SafeTensorsLimits = SafeTensorsLimits()) throws(SafeTensorsError) {
        let header = try SafeTensorsHeader(parsing: bytes, limits: limits)
        var tensors: [SafeTensorsEntry] = []
        tensors.reserveCapacity(header.layouts.count)
        for layout in header.layouts {
            tensors.append(SafeTensorsEntry(name: layout.name, shape: layout.shape, values: try layout.floats(in: bytes)))
        }
        self.init(tensors: tensors, metadata: header.metadata)
    }
}
