import JSON
import Kernels
import NeuralNet

/// The JSON bodies of the stats and heatmap routes.
enum StatisticsBody {
    /// `{"name", "shape", "dtype", "aliases", "value": TensorStatistics, "grad": TensorStatistics|null}`.
    static func stats(_ parameter: NamedParameter, slice: TensorSlice?, path: String, bins: Int) throws -> [UInt8] {
        var value = parameter.value
        var gradient = parameter.gradient
        if let slice {
            value = try value.sliced(slice, path: path)
            gradient = try gradient?.sliced(slice, path: path)
        }
        var writer = JSONWriter(reservingCapacity: 512 + bins * 40)
        writer.beginObject()
        ParameterBody.writeHeader(parameter, shape: value.shape, into: &writer)
        writer.key("value")
        try write(value, bins: bins, path: path, into: &writer)
        writer.key("grad")
        if let gradient {
            try write(gradient, bins: bins, path: path, into: &writer)
        } else {
            writer.writeNull()
        }
        writer.endObject()
        return writer.bytes
    }

    /// `{"name", "shape", "dtype", "aliases", "rows", "cols", "cells", "min", "max"}` for a 2-D value.
    static func heatmap(_ parameter: NamedParameter, slice: TensorSlice?, path: String, maxRows: Int, maxColumns: Int) throws -> [UInt8] {
        let value = try slice.map { try parameter.value.sliced($0, path: path) } ?? parameter.value
        guard value.rank == 2 else {
            throw Problem.unprocessable(
                "a heatmap needs a 2-D tensor; \(path) is \(value.rank)-D with shape \(value.shape)\(slice == nil ? "" : " after the slice")",
                slug: "not-a-matrix", path: path)
        }
        let pooled = value.scalars.withUnsafeBufferPointer {
            poolMeans($0, rows: value.shape[0], columns: value.shape[1], maxRows: maxRows, maxColumns: maxColumns)
        }
        var writer = JSONWriter(reservingCapacity: 256 + pooled.values.count * 14)
        writer.beginObject()
        ParameterBody.writeHeader(parameter, shape: value.shape, into: &writer)
        writer.key("rows")
        writer.write(number: Double(pooled.rows))
        writer.key("cols")
        writer.write(number: Double(pooled.columns))
        writer.key("cells")
        writer.write(tensor: pooled.values, shape: [pooled.rows, pooled.columns])
        writer.key("min")
        if let min = pooled.min { writer.write(float: min) } else { writer.writeNull() }
        writer.key("max")
        if let max = pooled.max { writer.write(float: max) } else { writer.writeNull() }
        writer.endObject()
        return writer.bytes
    }

    private static func write(_ tensor: Tensor, bins: Int, path: String, into writer: inout JSONWriter) throws {
        let statistics: TensorStatistics
        do {
            statistics = try tensor.scalars.withUnsafeBufferPointer { buffer throws(StatisticsError) in
                try Kernels.statistics(of: buffer, bins: bins)
            }
        } catch .tooManyBins(let bins, let min, let max) {
            throw Problem.unprocessable(
                "the values of \(path) span [\(min), \(max)], too narrow for \(bins) distinct float32 bins; ask for fewer bins",
                slug: "too-many-bins", path: path)
        }
        writer.beginObject()
        writer.key("count")
        writer.write(number: Double(statistics.count))
        writer.key("mean")
        writeOptional(statistics.mean, into: &writer)
        writer.key("std")
        writeOptional(statistics.standardDeviation, into: &writer)
        writer.key("min")
        if let min = statistics.min { writer.write(float: min) } else { writer.writeNull() }
        writer.key("max")
        if let max = statistics.max { writer.write(float: max) } else { writer.writeNull() }
        writer.key("norm")
        writer.write(number: statistics.norm)
        writer.key("zero_fraction")
        writeOptional(statistics.zeroFraction, into: &writer)
        writer.key("histogram")
        writer.beginObject()
        writer.key("edges")
        writer.write(tensor: statistics.histogram.edges, shape: [statistics.histogram.edges.count])
        writer.key("counts")
        writer.beginArray()
        for count in statistics.histogram.counts { writer.write(number: Double(count)) }
        writer.endArray()
        writer.endObject()
        writer.endObject()
    }

    private static func writeOptional(_ number: Double?, into writer: inout JSONWriter) {
        if let number { writer.write(number: number) } else { writer.writeNull() }
    }
}
