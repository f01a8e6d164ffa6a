import Foundation

@testable import Kernels

/// The reference cases of Tests/Fixtures/make_window_fixtures.py: float32 inputs, PyTorch's
/// float64 outputs and gradients on them.
enum WindowFixtures {
    struct Conv: Decodable, CustomStringConvertible {
        let name: String
        let input_shape: [Int]
        let out_channels: Int
        let kernel_size, stride, padding, dilation: [Int]
        let groups: Int
        let input, weight: [Float]
        let bias: [Float]?
        let output_shape: [Int]
        let output, output_gradient, input_gradient, weight_gradient: [Double]
        let bias_gradient: [Double]?

        var description: String { name }

        func geometry() throws -> Conv2DGeometry {
            let options = try Conv2DOptions(
                inChannels: input_shape[1], outChannels: out_channels, kernelSize: pair(kernel_size),
                stride: pair(stride), padding: pair(padding), dilation: pair(dilation), groups: groups)
            return try Conv2DGeometry(options, batch: input_shape[0], inputSize: Size2D(input_shape[2], input_shape[3]))
        }
    }

    struct MaxPool: Decodable, CustomStringConvertible {
        let name: String
        let input_shape: [Int]
        let kernel_size, stride, padding, dilation: [Int]
        let ceil_mode: Bool
        let input: [Float]
        let output_shape: [Int]
        let output: [Double]
        let indices: [Int]
        let output_gradient: [Float]
        let input_gradient: [Double]

        var description: String { name }

        func geometry() throws -> Pool2DGeometry {
            let options = try Pool2DOptions(
                kernelSize: pair(kernel_size), stride: pair(stride), padding: pair(padding), dilation: pair(dilation),
                ceilMode: ceil_mode)
            return try Pool2DGeometry(
                options, planes: input_shape[0] * input_shape[1], inputSize: Size2D(input_shape[2], input_shape[3]))
        }
    }

    struct AvgPool: Decodable, CustomStringConvertible {
        let name: String
        let input_shape: [Int]
        let kernel_size, stride, padding: [Int]
        let ceil_mode, count_include_pad: Bool
        let divisor_override: Int?
        let input: [Float]
        let output_shape: [Int]
        let output: [Double]
        let output_gradient: [Float]
        let input_gradient: [Double]

        var description: String { name }

        func geometry() throws -> Pool2DGeometry {
            let options = try Pool2DOptions(
                kernelSize: pair(kernel_size), stride: pair(stride), padding: pair(padding), ceilMode: ceil_mode)
            return try Pool2DGeometry(
                options, planes: input_shape[0] * input_shape[1], inputSize: Size2D(input_shape[2], input_shape[3]))
        }

        func divisor() throws -> AveragePoolDivisor {
            try AveragePoolDivisor(countIncludePad: count_include_pad, divisorOverride: divisor_override)
        }
    }

    private struct File<Case: Decodable>: Decodable { let cases: [Case] }

    private static func load<Case: Decodable>(_ name: String) -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/window/\(name).json")
        return try! JSONDecoder().decode(File<Case>.self, from: Data(contentsOf: url)).cases
    }

    static let conv: [Conv] = load("conv2d")
    static let maxPool: [MaxPool] = load("max_pool2d")
    static let avgPool: [AvgPool] = load("avg_pool2d")
}

func pair(_ v: [Int]) -> Size2D { Size2D(v[0], v[1]) }

/// max |got − expected| / max |expected|: float32 rounding against the float64 reference,
/// relative to the tensor's scale (the parity tests' measure).
func relativeError(_ got: [Float], _ expected: [Double]) -> Double {
    precondition(got.count == expected.count, "relativeError: \(got.count) values against \(expected.count)")
    let scale = max(expected.map(abs).max() ?? 0, 1e-30)
    return zip(got, expected).map { abs(Double($0) - $1) }.max().map { $0 / scale } ?? 0
}
