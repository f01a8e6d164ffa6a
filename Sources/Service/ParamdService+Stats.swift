import HTTP
import JSON
import Kernels
import NeuralNet

extension ParamdService {
    /// Statistics and heatmaps of a parameter: what the page draws, and what a person with curl
    /// reads instead of a wall of numbers.
    func addStatsRoutes(to router: inout Router) {
        let statistics = byModelSize { _, size in Placement.statisticsCost(values: size.parameters * 2) }
        handle(&router, .get, "/v1/models/{model}/parameters/{path}/stats", placement: statistics) { [self] request in
            let state = try await currentState(request)
            let path = request.parameter("path")
            let bins = try Self.integerQuery(request, "bins", in: StatisticsLimits.bins, default: StatisticsLimits.defaultBins)
            let slice = try request.queryValue("slice").map { try SliceText.parse($0, location: "slice") }
            let parameter = try state.model.parameter(path)
            let body = try StatisticsBody.stats(parameter, slice: slice, path: path, bins: bins)
            return .json(body, version: state.version)
        }

        handle(&router, .get, "/v1/models/{model}/parameters/{path}/heatmap", placement: statistics) { [self] request in
            let state = try await currentState(request)
            let path = request.parameter("path")
            let rows = try Self.integerQuery(request, "rows", in: StatisticsLimits.cells, default: StatisticsLimits.defaultCells)
            let columns = try Self.integerQuery(request, "cols", in: StatisticsLimits.cells, default: StatisticsLimits.defaultCells)
            let slice = try request.queryValue("slice").map { try SliceText.parse($0, location: "slice") }
            let parameter = try state.model.parameter(path)
            let body = try StatisticsBody.heatmap(parameter, slice: slice, path: path, maxRows: rows, maxColumns: columns)
            return .json(body, version: state.version)
        }
    }

    /// An integer query parameter within `range`, else 400 naming the range.
    static func integerQuery(_ request: HTTPRequest, _ name: String, in range: ClosedRange<Int>, default value: Int) throws(Problem) -> Int
    {
        guard let text = request.queryValue(name) else { return value }
        guard text.utf8.count <= 9, let number = Int(text), range.contains(number) else {
            throw Problem.badRequest(
                "query parameter \(name) must be an integer from \(range.lowerBound) to \(range.upperBound), got \(text.debugDescription)",
                slug: "invalid-query", path: name)
        }
        return number
    }
}

/// The bounds of the statistics routes' queries (api/openapi.yaml states the same).
enum StatisticsLimits {
    static let bins = 1...1024
    static let defaultBins = 64
    /// Heatmap cells per side: 512² cells are about 3 MB of JSON, enough for any screen.
    static let cells = 1...512
    static let defaultCells = 64
}
