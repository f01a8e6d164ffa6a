import CKernels

/// A matrix pooled down to at most a given number of cells by taking each cell's mean.
public struct PooledMatrix: Sendable, Equatable {
    /// Cells down and across: `min(rows, maxRows)` by `min(columns, maxColumns)`.
    public let rows: Int
    public let columns: Int
    /// Row-major cell means.
    public let values: [Float]
    /// The smallest and largest cell mean (nil when there are no cells), for a colour scale.
    public let min: Float?
    public let max: Float?
}

/// Means of a row-major `rows × columns` matrix over at most `maxRows × maxColumns` cells.
///
/// Cell `(i, j)` of an `R × C` grid covers source rows `⌊i·rows/R⌋ ..< ⌊(i+1)·rows/R⌋` and
/// columns `⌊j·columns/C⌋ ..< ⌊(j+1)·columns/C⌋`: the cells differ in size by at most one row or
/// column, and a matrix that already fits is returned cell for element. Sums run in double.
/// - Precondition: `values.count == rows * columns`, `maxRows >= 1`, `maxColumns >= 1`.
/// - Complexity: O(rows·columns) in one pass, O(C) scratch.
public func poolMeans(_ values: UnsafeBufferPointer<Float>, rows: Int, columns: Int, maxRows: Int, maxColumns: Int) -> PooledMatrix {
    precondition(rows >= 0 && columns >= 0 && values.count == rows * columns, "poolMeans: \(values.count) values for \(rows)×\(columns)")
    precondition(maxRows >= 1 && maxColumns >= 1, "poolMeans: at least one cell each way")
    let cellRows = Swift.min(rows, maxRows)
    let cellColumns = Swift.min(columns, maxColumns)
    guard cellRows > 0, cellColumns > 0 else {
        return PooledMatrix(rows: cellRows, columns: cellColumns, values: [], min: nil, max: nil)
    }
    var columnCell = [Int32](repeating: 0, count: columns)
    for cell in 0..<cellColumns {
        for column in (cell * columns / cellColumns)..<((cell + 1) * columns / cellColumns) { columnCell[column] = Int32(cell) }
    }
    var sums = [Double](repeating: 0, count: cellColumns)
    var cells = [Float](repeating: 0, count: cellRows * cellColumns)
    cells.withUnsafeMutableBufferPointer { cells in
        ck_pool_means(values.baseAddress, rows, columns, cellRows, cellColumns, columnCell, &sums, cells.baseAddress)
    }
    return PooledMatrix(rows: cellRows, columns: cellColumns, values: cells, min: cells.min(), max: cells.max())
}
